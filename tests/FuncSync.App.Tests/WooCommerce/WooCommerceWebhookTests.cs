using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FuncSync.Channels.Webhooks;
using FuncSync.Domain;
using FuncSync.Simulators.WooCommerce;
using FuncSync.Testing;
using FuncSync.WooCommerce;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.App.Tests.WooCommerce;

/// <summary>WooCommerce's webhook at the door: the signature (no public test vector exists, so one is pinned here,
/// computed independently with <c>openssl dgst -sha256 -hmac … -binary | base64</c>), the creation ping, topics and
/// bodies; and the batch writes behind the push.</summary>
[Collection(AzuriteTests.Name)]
public sealed class WooCommerceWebhookTests(AzuriteFixture azurite)
{
    // printf '%s' "$Body" | openssl dgst -sha256 -hmac "$Secret" -binary | base64
    private const string VectorSecret = "wc-secret-&-\"quotes\"";
    private const string VectorBody = "{\"id\":727,\"status\":\"processing\",\"date_modified_gmt\":\"2026-12-02T11:40:17\",\"line_items\":[{\"id\":315,\"product_id\":93,\"variation_id\":0,\"quantity\":1,\"sku\":\"NECK-MOON-01\"}]}";
    private const string VectorSignature = "G/2+ivVtGDHrHZ1M7SZn8vSN5HSzdzmayvMbEJBWeuo=";

    [Theory]
    [InlineData(VectorSecret, VectorBody, VectorSignature, true)]
    [InlineData("woocommerce-simulator-webhook-secret", VectorBody, "si9xBqWedwBhFMRvixVDreMsFCoSVJ0y8LiO7StrKtg=", true)]
    [InlineData("wc-secret-&amp;-&quot;quotes&quot;", VectorBody, VectorSignature, false)]
    [InlineData(VectorSecret, VectorBody + " ", VectorSignature, false)]
    [InlineData(VectorSecret, VectorBody, "", false)]
    [InlineData(VectorSecret, VectorBody, "not base64!", false)]
    [InlineData("", VectorBody, VectorSignature, false)]
    public void IsValid_PinnedVector(string secret, string body, string signature, bool valid) =>
        Assert.Equal(valid, WooCommerceWebhookSignature.IsValid(secret, Encoding.UTF8.GetBytes(body), signature));

    [Fact]
    public void Sign_Simulator_MatchesThePinnedVector() =>
        Assert.Equal(VectorSignature, WooCommerceSimulator.Sign(VectorSecret, Encoding.UTF8.GetBytes(VectorBody)));

    [Fact]
    public async Task Route_CreationPing_200AndNothingStored()
    {
        await using var app = await WooCommerceTestApp.StartAsync(azurite);

        var status = await app.Woo.PingAsync();

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0, (await app.App.Storage.Queue(app.App.Names.ChannelWebhooksQueue).GetPropertiesAsync()).Value.ApproximateMessagesCount);
        Assert.False(await app.App.Storage.Blobs.GetBlobContainerClient(app.App.Names.RejectedWebhooksContainer).ExistsAsync()
            && await app.App.Storage.Blobs.GetBlobContainerClient(app.App.Names.RejectedWebhooksContainer).GetBlobsAsync().AnyAsync());
    }

    [Fact]
    public async Task Verify_TopicsBodiesAndUnpaidOrders()
    {
        await using var app = await WooCommerceTestApp.StartAsync(azurite);
        var webhook = app.App.App.Services.GetRequiredKeyedService<IChannelWebhook>(Channel.WooCommerce);
        var secret = app.Woo.Options.WebhookSecret;
        async Task<WebhookVerdict> VerifyAsync(string topic, string body, string? signingSecret = null)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            var headers = WebhookDelivery.Map([KeyValuePair.Create(WooCommerceWebhook.TopicHeader, topic), KeyValuePair.Create(WooCommerceWebhookSignature.Header, WooCommerceSimulator.Sign(signingSecret ?? secret, bytes))]);
            return await webhook.VerifyAsync(new WebhookDelivery("POST", headers, WebhookDelivery.Map([]), bytes, TimeProvider.System.GetUtcNow()), CancellationToken.None);
        }

        var pending = new JsonObject { ["id"] = 5, ["status"] = "pending", ["date_modified_gmt"] = "2026-12-02T11:40:17", ["line_items"] = new JsonArray() }.ToJsonString();

        Assert.Equal(401, Assert.IsType<WebhookVerdict.Rejected>(await VerifyAsync("order.created", VectorBody, "not-the-secret")).Status);
        Assert.IsType<WebhookVerdict.Ignored>(await VerifyAsync("customer.created", "{\"id\":1}"));
        Assert.IsType<WebhookVerdict.Ignored>(await VerifyAsync("order.created", pending));
        var unreadable = Assert.IsType<WebhookVerdict.Rejected>(await VerifyAsync("order.updated", "{\"id\":5}"));
        Assert.Equal(400, unreadable.Status);
        Assert.True(unreadable.KeepBody);
        var accepted = Assert.IsType<WebhookVerdict.Accepted>(await VerifyAsync("order.updated", VectorBody));
        Assert.Equal("order.updated:727:2026-12-02T11:40:17", accepted.EventId);
    }

    [Fact]
    public async Task SetStock_150Writes_TwoBatchCallsOfAtMost100()
    {
        await using var app = await WooCommerceTestApp.StartAsync(azurite);
        var writes = Enumerable.Range(0, 150)
            .Select(i => (Listing: new WooCommerceListing(app.Woo.AddProduct($"BATCH-{i:D3}", 1), null), Quantity: i))
            .ToList();
        var api = app.App.App.Services.GetRequiredService<WooCommerceApi>();

        var (saved, calls) = await api.SetStockAsync(writes, CancellationToken.None);

        Assert.Equal(2, calls);
        Assert.Equal(2, app.Woo.BatchCalls);
        Assert.Equal(150, app.Woo.BatchItems);
        Assert.Equal(150, saved.Count);
        Assert.All(writes, w => Assert.Equal(w.Quantity, app.Woo.GetStock(w.Listing.StockId)));
    }

    [Fact]
    public async Task Batch_101Items_413TooLarge()
    {
        await using var woo = await WooCommerceSimulator.StartAsync(new WooCommerceSimulatorOptions(), TimeProvider.System);
        using var http = new HttpClient { BaseAddress = woo.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(woo.Options.ConsumerKey + ":" + woo.Options.ConsumerSecret)));
        var body = new JsonObject { ["update"] = new JsonArray([.. Enumerable.Range(1, 101).Select(i => (JsonNode)new JsonObject { ["id"] = i, ["stock_quantity"] = 1 })]) };

        using var response = await http.PostAsync("wp-json/wc/v3/products/batch", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("woocommerce_rest_request_entity_too_large", (string?)error["code"]);
        Assert.Equal(413, (int?)error["data"]!["status"]);
        Assert.Equal(0, woo.BatchCalls);
    }

    [Fact]
    public async Task Api_WrongSecret_401InWooCommercesShape()
    {
        await using var woo = await WooCommerceSimulator.StartAsync(new WooCommerceSimulatorOptions(), TimeProvider.System);
        using var http = new HttpClient { BaseAddress = woo.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(woo.Options.ConsumerKey + ":wrong")));

        using var response = await http.GetAsync("wp-json/wc/v3/orders");
        using var anonymous = await new HttpClient { BaseAddress = woo.BaseUrl }.GetAsync("wp-json/wc/v3/orders");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("woocommerce_rest_authentication_error", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["code"]);
        Assert.Equal("woocommerce_rest_cannot_view", (string?)JsonNode.Parse(await anonymous.Content.ReadAsStringAsync())!["code"]);
    }
}

using System.Net;
using System.Text;
using Azure.Data.Tables;
using FuncSync.Alerts;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Shopify;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Shopify;

[Collection(AzuriteTests.Name)]
public sealed class ShopifyWebhookTests(AzuriteFixture azurite)
{
    private const string OrderBody = """{"id":820982911946154508,"name":"#1001","created_at":"2026-11-23T10:00:00Z","line_items":[{"id":466157049,"variant_id":4100000001,"sku":"NECK-MOON-01","quantity":1,"variant_inventory_management":"shopify"}]}""";

    [Fact]
    public async Task Webhook_BadSignature_401AndNothingStored()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);

        using var response = await PostAsync(app, OrderBody, signature: ShopifyWebhookSignature.Compute("not-the-secret", Encoding.UTF8.GetBytes(OrderBody)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await AssertNothingStoredAsync(app);
    }

    [Fact]
    public async Task Webhook_MissingSignature_401AndNothingStored()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);

        using var response = await PostAsync(app, OrderBody, signature: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await AssertNothingStoredAsync(app);
    }

    [Fact]
    public async Task Webhook_SignedForAnotherShop_401AndNothingStored()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);

        using var response = await PostAsync(app, OrderBody, shopDomain: "someone-else.myshopify.com");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await AssertNothingStoredAsync(app);
    }

    [Fact]
    public async Task Webhook_SignedButMalformedJson_400AndRawBodyKept()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        const string broken = """{"id": 1, "line_items": [ {"id": 2, "variant_id": """;

        using var response = await PostAsync(app, broken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("kept for inspection", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var container = app.Storage.Blobs.GetBlobContainerClient(app.Names.RejectedWebhooksContainer);
        var kept = await container.GetBlobsAsync().ToListAsync();
        var blob = Assert.Single(kept);
        var content = await container.GetBlobClient(blob.Name).DownloadContentAsync();
        Assert.Equal(broken, content.Value.Content.ToString());
        Assert.Null((await app.Storage.Queue(app.Names.InventoryEventsQueue).PeekMessageAsync()).Value);
    }

    [Fact]
    public async Task Webhook_UnmappedVariant_EventParkedAndAlerted()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);

        using var response = await PostAsync(app, OrderBody);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var unmapped = app.Storage.Table(app.Names.UnmappedTable);
        await Eventually.WaitAsync(async () => await unmapped.QueryAsync<TableEntity>().AnyAsync(), TimeSpan.FromSeconds(20), "the sale is parked");
        await Eventually.WaitAsync(async () => (await app.AlertListAsync()).Count > 0, TimeSpan.FromSeconds(20), "an alert is stored");
        var alert = Assert.Single(await app.AlertListAsync("all"));
        Assert.Equal(AlertKind.UnmappedListing, alert.Kind);
        Assert.Contains("4100000001", alert.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_OtherTopic_200AndNothingQueued()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);

        using var response = await PostAsync(app, """{"id":1}""", topic: "customers/create");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null((await app.Storage.Queue(app.Names.InventoryEventsQueue).PeekMessageAsync()).Value);
    }

    private static Task<HttpResponseMessage> PostAsync(FuncSyncTestApp app, string body, string? signature = "valid", string? shopDomain = null, string topic = "orders/create")
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/shopify") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new("application/json");
        if (signature is not null)
        {
            request.Headers.Add("X-Shopify-Hmac-Sha256", signature == "valid" ? ShopifyWebhookSignature.Compute(app.Shopify.Options.WebhookSecret, bytes) : signature);
        }

        request.Headers.Add("X-Shopify-Topic", topic);
        request.Headers.Add("X-Shopify-Shop-Domain", shopDomain ?? app.Shopify.Options.ShopDomain);
        request.Headers.Add("X-Shopify-API-Version", "2026-04");
        request.Headers.Add("X-Shopify-Webhook-Id", Guid.NewGuid().ToString());
        request.Headers.Add("X-Shopify-Event-Id", Guid.NewGuid().ToString());
        return app.Http.SendAsync(request);
    }

    private static async Task AssertNothingStoredAsync(FuncSyncTestApp app)
    {
        Assert.Null((await app.Storage.Queue(app.Names.InventoryEventsQueue).PeekMessageAsync()).Value);
        var container = app.Storage.Blobs.GetBlobContainerClient(app.Names.RejectedWebhooksContainer);
        Assert.Empty(await container.GetBlobsAsync().ToListAsync());
        Assert.False(await app.Storage.Table(app.Names.LedgerTable).QueryAsync<TableEntity>().AnyAsync());
    }
}

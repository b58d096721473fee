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

    /// <summary>Signed bodies that parse but break Shopify's shape: each was a 500 (a null dereference) that
    /// Shopify would have retried for hours.</summary>
    [Theory]
    [InlineData("orders/create", """{"foo":"bar"}""")]
    [InlineData("orders/create", """{"id":1,"line_items":[null]}""")]
    [InlineData("orders/create", """{"id":1,"line_items":[{"id":2,"variant_id":4100000001,"quantity":2147483647}]}""")]
    [InlineData("orders/create", """{"id":1,"line_items":[{"id":2,"variant_id":4100000001,"quantity":-3}]}""")]
    [InlineData("orders/cancelled", """{"id":1,"line_items":[],"fulfillments":[null]}""")]
    [InlineData("orders/cancelled", """{"id":1,"line_items":[],"fulfillments":[{"status":"success","line_items":[null]}]}""")]
    [InlineData("refunds/create", """{"id":1,"order_id":2}""")]
    [InlineData("refunds/create", """{"id":1,"order_id":2,"refund_line_items":[{"id":3,"line_item_id":4,"quantity":1,"line_item":{"id":4,"variant_id":5,"quantity":100001}}]}""")]
    [InlineData("products/update", """{"id":1,"title":"Moon"}""")]
    [InlineData("products/update", """{"id":1,"variants":[null]}""")]
    [InlineData("inventory_levels/update", """{"inventory_item_id":1,"location_id":2,"available":2147483647}""")]
    [InlineData("orders/create", "null")]
    public async Task Webhook_SignedButWrongShape_400RawBodyKeptNothingQueued(string topic, string body)
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);

        using var response = await PostAsync(app, body, topic: topic);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertKeptAndNothingQueuedAsync(app, Encoding.UTF8.GetBytes(body));
    }

    [Fact]
    public async Task Webhook_SignedInvalidUtf8_400RawBodyKept()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var bytes = Encoding.UTF8.GetBytes(OrderBody.Replace("#1001", "#10\u0001", StringComparison.Ordinal));
        bytes[OrderBody.IndexOf("#1001", StringComparison.Ordinal) + 1] = 0xFF;

        using var response = await SendAsync(app, bytes, "orders/create");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertKeptAndNothingQueuedAsync(app, bytes);
    }

    [Theory]
    [InlineData("9999-12-31T23:59:59Z")]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("2020-01-01T00:00:00Z")]
    public async Task Webhook_TriggeredAtFarFromReceipt_EventTakesReceiptTime(string triggeredAt)
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var before = TimeProvider.System.GetUtcNow();
        var body = OrderBody.Replace("2026-11-23T10:00:00Z", before.AddDays(-30).ToString("O", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        using var response = await PostAsync(app, body, triggeredAt: triggeredAt);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var unmapped = app.Storage.Table(app.Names.UnmappedTable);
        await Eventually.WaitAsync(async () => await unmapped.QueryAsync<TableEntity>().AnyAsync(), TimeSpan.FromSeconds(20), "the sale is parked");
        var parked = Assert.Single(await unmapped.QueryAsync<TableEntity>().ToListAsync());
        var occurred = System.Text.Json.JsonSerializer.Deserialize(parked.GetString("Event"), FuncSync.Json.FuncSyncJson.Default.InventoryEventReceived)!.OccurredAt;
        Assert.InRange(occurred, before.AddSeconds(-1), TimeProvider.System.GetUtcNow().AddSeconds(1));
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

    private static Task<HttpResponseMessage> PostAsync(FuncSyncTestApp app, string body, string? signature = "valid", string? shopDomain = null, string topic = "orders/create", string? triggeredAt = null) =>
        SendAsync(app, Encoding.UTF8.GetBytes(body), topic, signature, shopDomain, triggeredAt);

    private static Task<HttpResponseMessage> SendAsync(FuncSyncTestApp app, byte[] bytes, string topic, string? signature = "valid", string? shopDomain = null, string? triggeredAt = null)
    {
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
        if (triggeredAt is not null)
        {
            request.Headers.Add("X-Shopify-Triggered-At", triggeredAt);
        }

        return app.Http.SendAsync(request);
    }

    private static async Task AssertKeptAndNothingQueuedAsync(FuncSyncTestApp app, byte[] body)
    {
        var container = app.Storage.Blobs.GetBlobContainerClient(app.Names.RejectedWebhooksContainer);
        var blob = Assert.Single(await container.GetBlobsAsync().ToListAsync());
        Assert.Equal(body, (await container.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToArray());
        Assert.Null((await app.Storage.Queue(app.Names.InventoryEventsQueue).PeekMessageAsync()).Value);
        Assert.Null((await app.Storage.Queue(app.Names.ShopifyLevelChecksQueue).PeekMessageAsync()).Value);
        Assert.False(await app.Storage.Table(app.Names.LedgerTable).QueryAsync<TableEntity>().AnyAsync());
    }

    private static async Task AssertNothingStoredAsync(FuncSyncTestApp app)
    {
        Assert.Null((await app.Storage.Queue(app.Names.InventoryEventsQueue).PeekMessageAsync()).Value);
        var container = app.Storage.Blobs.GetBlobContainerClient(app.Names.RejectedWebhooksContainer);
        Assert.Empty(await container.GetBlobsAsync().ToListAsync());
        Assert.False(await app.Storage.Table(app.Names.LedgerTable).QueryAsync<TableEntity>().AnyAsync());
    }
}

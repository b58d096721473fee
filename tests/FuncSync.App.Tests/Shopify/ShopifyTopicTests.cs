using System.Globalization;
using System.Net;
using System.Text;
using Azure.Data.Tables;
using FuncSync.Alerts;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Domain;
using FuncSync.Push;
using FuncSync.Shopify;
using FuncSync.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.App.Tests.Shopify;

/// <summary>Every inventory-relevant Shopify topic end to end: the simulator's signed webhooks through the
/// real app, queues and ledger on Azurite.</summary>
[Collection(AzuriteTests.Name)]
public sealed class ShopifyTopicTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private static readonly Dictionary<string, string?> FastLevelChecks = new() { ["Shopify:LevelCheckDelay"] = "00:00:02" };

    [Fact]
    public async Task OrdersCancelled_WithRestockRefund_UnitsBackOnce()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("CANCEL-01", 5, 11);
        await app.LoadAsync(item);
        var order = await app.Shopify.PlaceOrderAsync([(item.ShopifyVariantId, 2)]);
        await Eventually.WaitAsync(async () => await app.AvailableAsync(item.Sku) == 3, Deadline, "the sale is in the ledger");

        var statuses = await app.Shopify.CancelOrderAsync(order!.OrderId);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(2, statuses.Count);
        await Eventually.WaitAsync(async () => await app.AvailableAsync(item.Sku) == 5, Deadline, "the cancelled units are back");
        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        await app.DrainedAsync(app.Names.ChannelPushQueue);
        Assert.Equal(5, await app.AvailableAsync(item.Sku));
        Assert.Equal(5, app.Etsy.GetQuantity(item.EtsyListingId, item.Sku));
    }

    [Fact]
    public async Task RefundsCreate_NoRestockThenReturn_OnlyReturnRestocks()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("REFUND-01", 5, 12);
        await app.LoadAsync(item);
        var order = await app.Shopify.PlaceOrderAsync([(item.ShopifyVariantId, 2)]);
        await Eventually.WaitAsync(async () => await app.AvailableAsync(item.Sku) == 3, Deadline, "the sale is in the ledger");
        var line = Assert.Single(app.Shopify.LineItemIds(order!.OrderId));

        Assert.Equal(HttpStatusCode.OK, await app.Shopify.RefundAsync(order.OrderId, line, 1, "no_restock"));
        Assert.Equal(HttpStatusCode.OK, await app.Shopify.RefundAsync(order.OrderId, line, 1, "return"));

        await Eventually.WaitAsync(async () => await app.AvailableAsync(item.Sku) == 4, Deadline, "the returned unit is back");
        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        Assert.Equal(4, await app.AvailableAsync(item.Sku));
    }

    [Fact]
    public async Task InventoryLevelsUpdate_AdminEditInShopify_AdjustsLedgerAndEtsyFollows()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite, FastLevelChecks);
        app.Shopify.Options.SendInventoryLevelWebhooks = true;
        var item = new TestItem("LEVEL-01", 5, 13);
        await app.LoadAsync(item);
        await WaitForShopifyPushRecordAsync(app, item.Sku);

        Assert.Equal(HttpStatusCode.OK, await app.Shopify.SetAvailableFromAdminAsync(item.ShopifyInventoryItemId, TestItem.LocationId, 8));

        await Eventually.WaitAsync(async () => await app.AvailableAsync(item.Sku) == 8, Deadline, "the admin edit reaches the ledger");
        await Eventually.WaitAsync(() => app.Etsy.GetQuantity(item.EtsyListingId, item.Sku) == 8, Deadline, "Etsy shows 8");
        var history = await app.Ledger.GetHistoryAsync(item.Sku, 10, null, CancellationToken.None);
        Assert.Contains(history.Entries, e => e.Delta == 3);
    }

    [Fact]
    public async Task InventoryLevelsUpdate_AdminDecreaseAPushTookForUnseenSales_AdjustsLedgerAndClearsThem()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite, FastLevelChecks);
        app.Shopify.Options.SendInventoryLevelWebhooks = true;
        var item = new TestItem("LEVEL-UNSEEN-01", 5, 14);
        await app.LoadAsync(item);
        await WaitForShopifyPushRecordAsync(app, item.Sku);
        await app.DrainedAsync(app.Names.ChannelPushQueue);
        var pushes = app.App.Services.GetRequiredService<PushStore>();

        Assert.Equal(HttpStatusCode.OK, await app.Shopify.SetAvailableFromAdminAsync(item.ShopifyInventoryItemId, TestItem.LocationId, 3));

        // Before the settled check runs, a push reads Shopify at 3 and, with no sale in the ledger,
        // records the 2 missing units as sold there but not seen yet.
        var last = await pushes.GetAsync(item.Sku, Channel.Shopify, CancellationToken.None);
        Assert.NotNull(await pushes.TryRecordAsync(last! with { Shown = 3, Unseen = 2 }, last!.ETag, CancellationToken.None));

        // No order ever comes for them: the check takes them for what they were, an edit in Shopify.
        await Eventually.WaitAsync(async () => await app.AvailableAsync(item.Sku) == 3, Deadline, "the admin edit reaches the ledger");
        await Eventually.WaitAsync(async () => (await pushes.GetAsync(item.Sku, Channel.Shopify, CancellationToken.None))!.Unseen == 0, Deadline, "nothing is left unseen");
        await Eventually.WaitAsync(() => app.Etsy.GetQuantity(item.EtsyListingId, item.Sku) == 3, Deadline, "Etsy shows 3");
    }

    [Fact]
    public async Task InventoryLevelsUpdate_SaleAndOwnPushEchoes_NothingCountedTwice()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite, FastLevelChecks);
        app.Shopify.Options.SendInventoryLevelWebhooks = true;
        var item = new TestItem("ECHO-01", 5, 14);
        await app.LoadAsync(item);
        await WaitForShopifyPushRecordAsync(app, item.Sku);

        // A Shopify sale (level webhook for the sale) and an Etsy sale (level webhook for our own push).
        await app.Shopify.PlaceOrderAsync([(item.ShopifyVariantId, 1)]);
        Assert.NotNull(app.Etsy.PlaceOrder(item.EtsyListingId, item.Sku, 1));
        await app.RunTimerAsync(FuncSync.Etsy.EtsyReceiptPollFunction.Name);
        await Eventually.WaitAsync(() => app.Shopify.GetAvailable(item.ShopifyInventoryItemId, TestItem.LocationId) == 3, Deadline, "Shopify shows 3");

        // Let every level check (2 s settling) run before judging.
        await app.DrainedAsync(app.Names.ShopifyLevelChecksQueue);
        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        await app.DrainedAsync(app.Names.ChannelPushQueue);
        Assert.Equal(3, await app.AvailableAsync(item.Sku));
        Assert.Equal(3, app.Shopify.GetAvailable(item.ShopifyInventoryItemId, TestItem.LocationId));
    }

    [Fact]
    public async Task InventoryLevelsUpdate_OlderTriggeredAtAfterNewer_Ignored()
    {
        // Checks stay invisible for an hour, so the queue shows exactly what the webhook accepted.
        await using var app = await FuncSyncTestApp.StartAsync(azurite, new Dictionary<string, string?> { ["Shopify:LevelCheckDelay"] = "01:00:00" });
        // Times near the receipt: one far from it is not believed (EventTimes) and gives way to the receipt time.
        var updated = TimeProvider.System.GetUtcNow().AddMinutes(-10);
        var level = $$"""{"inventory_item_id":4300000015,"location_id":6500000001,"available":7,"updated_at":"{{Iso(updated)}}"}""";

        using var newer = await PostAsync(app, "inventory_levels/update", level, triggeredAt: Iso(updated.AddSeconds(5)));
        // Webhooks are handled behind the inbox, several at once: the older one comes after the newer was handled,
        // as a delivery that Shopify retried late would.
        await app.DrainedAsync(app.Names.ChannelWebhooksQueue);
        using var older = await PostAsync(app, "inventory_levels/update", level, triggeredAt: Iso(updated.AddSeconds(1)));

        Assert.Equal(HttpStatusCode.OK, newer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, older.StatusCode);
        await app.DrainedAsync(app.Names.ChannelWebhooksQueue);
        var checks = await app.Storage.Queue(app.Names.ShopifyLevelChecksQueue).GetPropertiesAsync();
        Assert.Equal(1, checks.Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task Webhook_UnprefixedHeaders_SaleApplied()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        app.Shopify.Options.UnprefixedHeaders = true;
        var item = new TestItem("UNPREFIX-01", 4, 16);
        await app.LoadAsync(item);

        var order = await app.Shopify.PlaceOrderAsync([(item.ShopifyVariantId, 1)]);

        Assert.Equal(HttpStatusCode.OK, order!.WebhookStatus);
        await Eventually.WaitAsync(async () => await app.AvailableAsync(item.Sku) == 3, Deadline, "the sale is in the ledger");
    }

    [Fact]
    public async Task Webhook_SignedWithPreviousSecretInsideWindow_Accepted()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["Shopify:WebhookSecret"] = "rotated-secret",
            ["Shopify:PreviousWebhookSecret"] = "shopify-simulator-secret",
            ["Shopify:PreviousWebhookSecretValidUntil"] = "2999-01-01T00:00:00Z",
        });
        var item = new TestItem("ROTATE-01", 4, 17);
        await app.LoadAsync(item);

        var order = await app.Shopify.PlaceOrderAsync([(item.ShopifyVariantId, 1)]);

        Assert.Equal(HttpStatusCode.OK, order!.WebhookStatus);
        await Eventually.WaitAsync(async () => await app.AvailableAsync(item.Sku) == 3, Deadline, "the sale is in the ledger");
    }

    [Fact]
    public async Task Webhook_SignedWithPreviousSecretAfterWindow_401()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["Shopify:WebhookSecret"] = "rotated-secret",
            ["Shopify:PreviousWebhookSecret"] = "shopify-simulator-secret",
            ["Shopify:PreviousWebhookSecretValidUntil"] = "2020-01-01T00:00:00Z",
        });

        using var response = await PostAsync(app, "orders/create", """{"id":1,"line_items":[]}""", secret: "shopify-simulator-secret");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ProductsUpdate_NewVariantNotInMap_OneUnmappedAlert()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("PRODUCT-01", 4, 18);
        await app.LoadAsync(item);
        const long newVariant = 4_100_009_018;
        app.Shopify.AddVariant(item.ShopifyProductId, newVariant, 4_300_009_018, TestItem.LocationId, "PRODUCT-01-XL", 2, "XL");

        Assert.Equal(HttpStatusCode.OK, await app.Shopify.UpdateProductAsync(item.ShopifyProductId));
        Assert.Equal(HttpStatusCode.OK, await app.Shopify.UpdateProductAsync(item.ShopifyProductId));

        await app.DrainedAsync(app.Names.AlertsQueue);
        var alert = Assert.Single(await app.AlertListAsync("all"));
        Assert.Equal(AlertKind.UnmappedListing, alert.Kind);
        Assert.Contains(newVariant.ToString(CultureInfo.InvariantCulture), alert.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OrdersCreate_WhenCaptureIsOrdersPaid_IgnoredUntilPaid()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite, new Dictionary<string, string?> { ["Shopify:SaleTopic"] = "orders/paid" });
        var item = new TestItem("PAID-01", 4, 19);
        await app.LoadAsync(item);
        var body = $$"""{"id":77,"name":"#77","line_items":[{"id":78,"variant_id":{{item.ShopifyVariantId}},"quantity":1,"variant_inventory_management":"shopify"}]}""";

        using var created = await PostAsync(app, "orders/create", body);
        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        Assert.Equal(4, await app.AvailableAsync(item.Sku));
        using var paid = await PostAsync(app, "orders/paid", body);

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        await Eventually.WaitAsync(async () => await app.AvailableAsync(item.Sku) == 3, Deadline, "the paid order is in the ledger");
    }

    [Fact]
    public async Task OrdersCreate_TriggeredAtHeader_KeptOnTheEventInHistory()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("TRIGGER-01", 4, 20);
        await app.LoadAsync(item);
        var triggered = TimeProvider.System.GetUtcNow().AddMinutes(-10);
        var body = $$"""{"id":81,"name":"#81","created_at":"{{Iso(triggered.AddHours(-1))}}","line_items":[{"id":82,"variant_id":{{item.ShopifyVariantId}},"quantity":1,"variant_inventory_management":"shopify"}]}""";

        using var response = await PostAsync(app, "orders/create", body, triggeredAt: Iso(triggered));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Eventually.WaitAsync(async () => await app.AvailableAsync(item.Sku) == 3, Deadline, "the sale is in the ledger");
        var sale = (await app.Ledger.GetHistoryAsync(item.Sku, 10, null, CancellationToken.None)).Entries.First(e => e.Kind == Domain.Ledger.InventoryEventKind.Sale);
        Assert.Equal(triggered, sale.OccurredAt);
    }

    private static string Iso(DateTimeOffset at) => at.ToString("O", CultureInfo.InvariantCulture);

    [Fact]
    public async Task OrdersCreate_CustomAndUntrackedLines_SkippedTrackedLineApplied()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("CUSTOM-01", 4, 21);
        await app.LoadAsync(item);
        var body = $$"""{"id":91,"name":"#91","line_items":[{"id":92,"variant_id":null,"title":"Gift wrap","quantity":1},{"id":93,"variant_id":4199999999,"quantity":2,"variant_inventory_management":"not-managed"},{"id":94,"variant_id":{{item.ShopifyVariantId}},"quantity":1,"variant_inventory_management":"shopify"}]}""";

        using var response = await PostAsync(app, "orders/create", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Eventually.WaitAsync(async () => await app.AvailableAsync(item.Sku) == 3, Deadline, "the tracked line is in the ledger");
        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        Assert.Empty(await app.Storage.Table(app.Names.UnmappedTable).QueryAsync<TableEntity>().ToListAsync());
    }

    [Fact]
    public async Task Deliveries_DuplicatedAndReordered_EachSaleAndCancellationOnce()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite, shopifyOptions: new global::FuncSync.Simulators.Shopify.ShopifySimulatorOptions
        {
            Seed = 5,
            WebhookDuplicateRate = 0.5,
            WebhookReorderRate = 0.5,
            WebhookReorderMaxDelay = TimeSpan.FromMilliseconds(300),
        });
        var item = new TestItem("UNRULY-01", 20, 22);
        await app.LoadAsync(item);

        var orders = new List<long>();
        for (var i = 0; i < 8; i++)
        {
            orders.Add((await app.Shopify.PlaceOrderAsync([(item.ShopifyVariantId, 1)]))!.OrderId);
        }

        await app.Shopify.CancelOrderAsync(orders[0]);
        await app.Shopify.CancelOrderAsync(orders[1]);
        await app.Shopify.WhenDeliveriesSettledAsync();

        var delivered = app.Shopify.Deliveries;
        Assert.True(delivered.Count > delivered.Select(d => d.EventId).Distinct().Count(), "some events were delivered twice");
        await Eventually.WaitAsync(async () => await app.AvailableAsync(item.Sku) == 14, Deadline, "8 sales less 2 cancellations are in the ledger");
        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        Assert.Equal(14, await app.AvailableAsync(item.Sku));
    }

    private static Task WaitForShopifyPushRecordAsync(FuncSyncTestApp app, string sku)
    {
        var pushes = app.App.Services.GetRequiredService<PushStore>();
        return Eventually.WaitAsync(async () => await pushes.GetAsync(sku, Channel.Shopify, CancellationToken.None) is not null, Deadline, "the first push to Shopify is recorded");
    }

    private static Task<HttpResponseMessage> PostAsync(FuncSyncTestApp app, string topic, string body, string? triggeredAt = null, string? secret = null)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/shopify") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-Shopify-Hmac-Sha256", ShopifyWebhookSignature.Compute(secret ?? app.Shopify.Options.WebhookSecret, bytes));
        request.Headers.Add("X-Shopify-Topic", topic);
        request.Headers.Add("X-Shopify-Shop-Domain", app.Shopify.Options.ShopDomain);
        request.Headers.Add("X-Shopify-Webhook-Id", Guid.NewGuid().ToString());
        request.Headers.Add("X-Shopify-Event-Id", Guid.NewGuid().ToString());
        if (triggeredAt is not null)
        {
            request.Headers.Add("X-Shopify-Triggered-At", triggeredAt);
        }

        return app.Http.SendAsync(request);
    }
}

using System.Net;
using System.Net.Http.Json;
using Azure.Data.Tables;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Domain;
using FuncSync.Json;
using FuncSync.Shopify;
using Microsoft.Extensions.DependencyInjection;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Shopify;

/// <summary>The orders poll backs up Shopify's webhooks: a sale, cancellation or refund whose webhook never came is
/// applied once from the poll, and whichever of the two arrives first counts.</summary>
[Collection(AzuriteTests.Name)]
public sealed class ShopifyOrderPollTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    // Orders are read as soon as they exist (no settle margin), so a test needs no clock of its own.
    private static readonly IReadOnlyDictionary<string, string?> Polling = new Dictionary<string, string?>
    {
        ["Shopify:OrderPollSettle"] = "00:00:00",
    };

    [Fact]
    public async Task Poll_SaleWebhookLost_AppliedOnceAndReportedInHealth()
    {
        await using var app = await StartAsync();
        var item = new TestItem("POLL-LOST-01", 10, 61);
        await app.LoadAsync(item);
        await PollAsync(app);
        app.Shopify.LoseWebhooks("orders/create");

        var order = await app.Shopify.PlaceOrderAsync([(item.ShopifyVariantId, 2)]);

        Assert.NotNull(order);
        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        Assert.Equal(10, await app.AvailableAsync(item.Sku));

        await PollAsync(app);
        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        Assert.Equal(8, await app.AvailableAsync(item.Sku));

        // The next pass reads the same order again (its overlap): it must not count twice.
        await PollAsync(app);
        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        Assert.Equal(8, await app.AvailableAsync(item.Sku));

        var shopify = Assert.Single((await app.Http.GetFromJsonAsync("healthz", FuncSyncJson.Default.HealthReport))!.Channels, c => c.Channel == Channel.Shopify);
        Assert.NotNull(shopify.LastPollAt);
        var behind = Assert.IsType<FuncSync.Monitoring.WebhooksBehind>(shopify.WebhooksBehind);
        Assert.Equal(1, behind.Caught);
        Assert.NotNull(behind.LatestGapSeconds);
        Assert.Equal(behind.LatestGapSeconds, behind.P95GapSeconds);
    }

    [Fact]
    public async Task Poll_AppliedBeforeTheWebhookArrivesLate_CountsOnce()
    {
        await using var app = await StartAsync();
        var item = new TestItem("POLL-LATE-01", 10, 62);
        await app.LoadAsync(item);
        await PollAsync(app);
        app.Shopify.LoseWebhooks("orders/create");
        var order = await app.Shopify.PlaceOrderAsync([(item.ShopifyVariantId, 3)]);
        await PollAsync(app);
        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        Assert.Equal(7, await app.AvailableAsync(item.Sku));

        // Shopify's retry finally gets through, after the poll applied the sale.
        app.Shopify.DeliverWebhooks("orders/create");
        Assert.Equal(HttpStatusCode.OK, await app.Shopify.RedeliverAsync(order!.EventId));

        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        Assert.Equal(7, await app.AvailableAsync(item.Sku));
    }

    [Fact]
    public async Task Poll_AfterTheWebhookWasApplied_CountsOnceAndReportsNothingBehind()
    {
        await using var app = await StartAsync();
        var item = new TestItem("POLL-ECHO-01", 10, 63);
        await app.LoadAsync(item);
        await PollAsync(app);
        var order = await app.Shopify.PlaceOrderAsync([(item.ShopifyVariantId, 1)]);
        Assert.Equal(HttpStatusCode.OK, order!.WebhookStatus);
        await Eventually.WaitAsync(async () => await app.AvailableAsync(item.Sku) == 9, Deadline, "the webhook's sale is in the ledger");

        await PollAsync(app);

        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        Assert.Equal(9, await app.AvailableAsync(item.Sku));
        var shopify = Assert.Single((await app.Http.GetFromJsonAsync("healthz", FuncSyncJson.Default.HealthReport))!.Channels, c => c.Channel == Channel.Shopify);
        Assert.Null(shopify.WebhooksBehind);
    }

    [Fact]
    public async Task Poll_CancellationWebhooksLost_RestocksOnce()
    {
        await using var app = await StartAsync();
        var item = new TestItem("POLL-CANCEL-01", 10, 64);
        await app.LoadAsync(item);
        await PollAsync(app);
        var order = await app.Shopify.PlaceOrderAsync([(item.ShopifyVariantId, 2)]);
        await Eventually.WaitAsync(async () => await app.AvailableAsync(item.Sku) == 8, Deadline, "the sale is in the ledger");

        // Shopify sends both orders/cancelled and refunds/create (restock type cancel); neither arrives.
        app.Shopify.LoseWebhooks("orders/cancelled");
        app.Shopify.LoseWebhooks("refunds/create");
        await app.Shopify.CancelOrderAsync(order!.OrderId);
        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        Assert.Equal(8, await app.AvailableAsync(item.Sku));

        await PollAsync(app);
        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        Assert.Equal(10, await app.AvailableAsync(item.Sku));

        await PollAsync(app);
        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        Assert.Equal(10, await app.AvailableAsync(item.Sku));
    }

    [Fact]
    public async Task Poll_ReturnWebhookLost_RestocksOnceWithTheWebhooksId()
    {
        await using var app = await StartAsync();
        var item = new TestItem("POLL-RETURN-01", 10, 65);
        await app.LoadAsync(item);
        await PollAsync(app);
        var order = await app.Shopify.PlaceOrderAsync([(item.ShopifyVariantId, 2)]);
        await Eventually.WaitAsync(async () => await app.AvailableAsync(item.Sku) == 8, Deadline, "the sale is in the ledger");
        await app.Shopify.FulfillAsync(order!.OrderId);
        var line = Assert.Single(app.Shopify.LineItemIds(order.OrderId));
        app.Shopify.LoseWebhooks("refunds/create");
        await app.Shopify.RefundAsync(order.OrderId, line, 1, "return");

        await PollAsync(app);
        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        Assert.Equal(9, await app.AvailableAsync(item.Sku));

        // The refund's own webhook, late: the same return, so nothing more.
        app.Shopify.DeliverWebhooks("refunds/create");
        var refund = Assert.Single(app.Shopify.LostWebhooks, w => w.Topic == "refunds/create");
        Assert.Equal(HttpStatusCode.OK, await app.Shopify.RedeliverAsync(refund.EventId));
        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        Assert.Equal(9, await app.AvailableAsync(item.Sku));
    }

    [Fact]
    public async Task Poll_SaleOfUnmappedVariantWebhookLost_ParkedOnceAndAlerted()
    {
        await using var app = await StartAsync();
        var unmapped = new TestItem("POLL-UNMAPPED-01", 5, 68);
        app.List(unmapped.Mapping, unmapped.Quantity);
        await PollAsync(app);
        app.Shopify.LoseWebhooks("orders/create");
        Assert.NotNull(await app.Shopify.PlaceOrderAsync([(unmapped.ShopifyVariantId, 1)]));

        await PollAsync(app);
        await PollAsync(app);

        // As from the webhook: parked for when the variant is mapped, and put to the seller.
        var listing = new FuncSync.Ledger.ListingRef(Channel.Shopify, unmapped.ShopifyVariantId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await app.AlertEventuallyAsync(FuncSync.Alerts.AlertKind.UnmappedListing, FuncSync.Mapping.MappingAuditor.UnmappedKey(listing), _ => true, "the unmapped sale is alerted");
        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        var parked = await app.App.Services.GetRequiredService<FuncSync.Ledger.UnmappedEventStore>().ListAsync(listing, CancellationToken.None);
        Assert.Single(parked);
    }

    [Fact]
    public async Task Poll_MoreOrdersThanOnePage_EveryOrderAppliedOnce()
    {
        await using var app = await StartAsync();
        var item = new TestItem("POLL-PAGES-01", 20, 66);
        await app.LoadAsync(item);
        await PollAsync(app);
        app.Shopify.LoseWebhooks("orders/create");
        var orders = (3 * ShopifyOrderFeed.PageSize) + 1;
        for (var i = 0; i < orders; i++)
        {
            Assert.NotNull(await app.Shopify.PlaceOrderAsync([(item.ShopifyVariantId, 1)]));
        }

        var before = app.Shopify.OperationCount("orders");
        await PollAsync(app);

        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        Assert.Equal(20 - orders, await app.AvailableAsync(item.Sku));
        Assert.Equal(4, app.Shopify.OperationCount("orders") - before);
        Assert.Equal(0, app.Shopify.ThrottleViolations);
    }

    [Fact]
    public async Task Poll_FailsOnSecondPage_WatermarkUnchangedThenEveryOrderAppliedOnce()
    {
        // No overlap: only a watermark that stayed where it was can bring the orders back.
        await using var app = await FuncSyncTestApp.StartAsync(azurite, new Dictionary<string, string?>(Polling) { ["Shopify:OrderPollOverlap"] = "00:00:00" });
        var item = new TestItem("POLL-BROKEN-01", 20, 67);
        await app.LoadAsync(item);
        await PollAsync(app);
        var watermark = await WatermarkAsync(app);
        app.Shopify.LoseWebhooks("orders/create");
        var orders = ShopifyOrderFeed.PageSize + 2;
        for (var i = 0; i < orders; i++)
        {
            Assert.NotNull(await app.Shopify.PlaceOrderAsync([(item.ShopifyVariantId, 1)]));
        }

        // The watermark counts whole seconds: from the next one on, a pass that moved it would show.
        await Eventually.WaitAsync(() => TimeProvider.System.GetUtcNow().ToUnixTimeSeconds() > watermark, Deadline, "the clock passes the watermark's second");

        // Every attempt at the second page fails, retries included, until the test lifts the fault.
        var failing = true;
        app.Shopify.InjectFaults("orders", v => failing && v["after"] is not null, int.MaxValue, 500);
        var failed = await app.RunTimerAsync(ShopifyOrderPollFunction.Name);

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal(watermark, await WatermarkAsync(app));

        // The first page's sales went out before the second failed; the next pass reads them again with the rest.
        failing = false;
        await PollAsync(app);
        Assert.True(await WatermarkAsync(app) >= watermark);
        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        Assert.Equal(20 - orders, await app.AvailableAsync(item.Sku));
    }

    private Task<FuncSyncTestApp> StartAsync() => FuncSyncTestApp.StartAsync(azurite, Polling);

    private static async Task PollAsync(FuncSyncTestApp app)
    {
        var run = await app.RunTimerAsync(ShopifyOrderPollFunction.Name);
        Assert.True(run.StatusCode == HttpStatusCode.OK, await run.Content.ReadAsStringAsync());
    }

    private static async Task<long?> WatermarkAsync(FuncSyncTestApp app)
    {
        var row = await app.Storage.Table(app.Names.WatermarksTable).QueryAsync<TableEntity>(e => e.RowKey == ShopifyOrderPollFunction.WatermarkSource).FirstOrDefaultAsync();
        return row?.GetInt64("Value");
    }
}

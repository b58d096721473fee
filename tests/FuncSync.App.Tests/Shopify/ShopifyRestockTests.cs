using System.Net;
using FuncSync.Alerts;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Domain.Ledger;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Shopify;

/// <summary>A cancellation or return gives back at most what its order's applied sale took, whatever the payload
/// claims; the rest is parked and alerted.</summary>
[Collection(AzuriteTests.Name)]
public sealed class ShopifyRestockTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task OrdersCancelled_NegativeFulfilmentQuantity_RefusedAndNothingRestocked()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("RESTOCK-NEG-01", 900, 43);
        await app.LoadAsync(item);
        var body = $$"""
            {"id":5511,"name":"#5511","cancelled_at":"2026-05-01T12:00:00Z",
             "line_items":[{"id":5512,"variant_id":{{item.ShopifyVariantId}},"quantity":1,"variant_inventory_management":"shopify"}],
             "fulfillments":[{"status":"success","line_items":[{"id":5512,"quantity":-1000}]}]}
            """;

        using var response = await app.PostShopifyWebhookAsync("orders/cancelled", body);

        // A quantity no order can have is refused at the door (kept for inspection), so it cannot inflate a restock.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        Assert.Equal(900, await app.AvailableAsync(item.Sku));
    }

    [Fact]
    public async Task OrdersCancelled_OrderNeverApplied_NothingRestockedAndAlerted()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("RESTOCK-GHOST-01", 900, 41);
        await app.LoadAsync(item);
        var body = $$"""
            {"id":5501,"name":"#5501","cancelled_at":"2026-05-01T12:00:00Z",
             "line_items":[{"id":5502,"variant_id":{{item.ShopifyVariantId}},"quantity":1,"variant_inventory_management":"shopify"}],
             "fulfillments":[]}
            """;

        using var response = await app.PostShopifyWebhookAsync("orders/cancelled", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var alert = await app.AlertEventuallyAsync(AlertKind.UnmatchedRestock, "restock-awaiting:shopify:cancel:5502", _ => true, "the restock without its sale is alerted");
        Assert.Equal(item.Sku, alert.Sku);
        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        Assert.Equal(900, await app.AvailableAsync(item.Sku));
    }

    [Fact]
    public async Task OrdersCancelled_DeliveredTwiceBeforeItsSale_HeldThenRestockedOnceWhenTheSaleLands()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("RESTOCK-EARLY-01", 10, 44);
        await app.LoadAsync(item);

        foreach (var unused in new[] { 1, 2 })
        {
            using var cancelled = await app.PostShopifyWebhookAsync("orders/cancelled", Order(5601, 5602, item, 2, cancelled: true), eventId: "cancel-5601");
            Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        }

        await app.AlertEventuallyAsync(AlertKind.UnmatchedRestock, "restock-awaiting:shopify:cancel:5602", a => a.ResolvedAt is null, "the cancellation waits for its sale");
        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        Assert.Equal(10, await app.AvailableAsync(item.Sku));

        foreach (var unused in new[] { 1, 2 })
        {
            using var created = await app.PostShopifyWebhookAsync("orders/create", Order(5601, 5602, item, 2, cancelled: false), eventId: "create-5601");
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        }

        await Eventually.WaitAsync(async () => (await app.Ledger.GetHistoryAsync(item.Sku, 10, null, CancellationToken.None)).Entries.Any(e => e.EventId == "shopify:cancel:5602"), Deadline, "the held cancellation is applied");
        await app.AlertEventuallyAsync(AlertKind.UnmatchedRestock, "restock-awaiting:shopify:cancel:5602", a => a.ResolvedAt is not null, "the held cancellation's alert is resolved");
        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        Assert.Equal(10, await app.AvailableAsync(item.Sku));
    }

    [Fact]
    public async Task OrdersCancelled_BeforeASmallerSale_RestocksWhatTheSaleTookOnly()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("RESTOCK-EARLY-02", 10, 45);
        await app.LoadAsync(item);

        // The cancellation claims 3 units; the sale it undoes, when it lands, took 2.
        using (var cancelled = await app.PostShopifyWebhookAsync("orders/cancelled", Order(5701, 5702, item, 3, cancelled: true)))
        {
            Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        }

        await app.AlertEventuallyAsync(AlertKind.UnmatchedRestock, "restock-awaiting:shopify:cancel:5702", _ => true, "the cancellation waits for its sale");
        using (var created = await app.PostShopifyWebhookAsync("orders/create", Order(5701, 5702, item, 2, cancelled: false)))
        {
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        }

        await app.AlertEventuallyAsync(AlertKind.UnmatchedRestock, "restock:shopify:cancel:5702", _ => true, "the unit the sale never took is refused and alerted");
        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        Assert.Equal(10, await app.AvailableAsync(item.Sku));
    }

    [Fact]
    public async Task RefundsCreate_ReturnsAddingUpToMoreThanSold_RestocksWhatWasSoldOnly()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("RESTOCK-OVER-01", 5, 42);
        await app.LoadAsync(item);
        var order = await app.Shopify.PlaceOrderAsync([(item.ShopifyVariantId, 2)]);
        await Eventually.WaitAsync(async () => await app.AvailableAsync(item.Sku) == 3, Deadline, "the sale is in the ledger");
        var line = Assert.Single(app.Shopify.LineItemIds(order!.OrderId));

        // Two refunds each say two units came back: the order only ever took two.
        foreach (var refundId in new[] { 8801L, 8802L })
        {
            var body = $$$"""
                {"id":{{{refundId}}},"order_id":{{{order.OrderId}}},"refund_line_items":[{"id":{{{refundId + 100}}},"line_item_id":{{{line}}},"quantity":2,"restock_type":"return",
                  "line_item":{"id":{{{line}}},"variant_id":{{{item.ShopifyVariantId}}},"quantity":2,"variant_inventory_management":"shopify"}}]}
                """;
            using var response = await app.PostShopifyWebhookAsync("refunds/create", body);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The two refunds are handled in parallel, so either may be the one that finds the sale already given back.
        string[] refundKeys = ["restock:shopify:return:8801:8901", "restock:shopify:return:8802:8902"];
        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        await Eventually.WaitAsync(
            async () => (await RefusedReturnsAsync(app, refundKeys)).Count > 0, Deadline, "the return beyond what was sold is refused and alerted");
        Assert.Single(await RefusedReturnsAsync(app, refundKeys));
        Assert.Equal(5, await app.AvailableAsync(item.Sku));
        var history = await app.Ledger.GetHistoryAsync(item.Sku, 50, null, CancellationToken.None);
        Assert.Equal(2, history.Entries.Where(e => e.Kind == InventoryEventKind.Return).Sum(e => e.Delta));
    }

    private static async Task<IReadOnlyList<string>> RefusedReturnsAsync(FuncSyncTestApp app, IReadOnlyCollection<string> keys) =>
        [.. (await app.AlertListAsync("all")).Where(a => a.Kind == AlertKind.UnmatchedRestock && keys.Contains(a.Key)).Select(a => a.Key)];

    private static string Order(long orderId, long lineId, TestItem item, int quantity, bool cancelled) => $$"""
        {"id":{{orderId}},"name":"#{{orderId}}","created_at":"2026-05-01T11:00:00Z","cancelled_at":{{(cancelled ? "\"2026-05-01T12:00:00Z\"" : "null")}},
         "line_items":[{"id":{{lineId}},"variant_id":{{item.ShopifyVariantId}},"quantity":{{quantity}},"variant_inventory_management":"shopify"}],
         "fulfillments":[]}
        """;
}

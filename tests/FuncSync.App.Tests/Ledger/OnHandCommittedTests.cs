using System.Net;
using Azure.Data.Tables;
using FuncSync.App.Tests.Etsy;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Domain.Ledger;
using FuncSync.Etsy;
using FuncSync.Ledger;
using FuncSync.Storage;
using FuncSync.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.App.Tests.Ledger;

/// <summary>On hand, committed and available through the real app: the simulators' signed webhooks and polled
/// receipts, the admin count, and rows written before the figures were kept, on Azurite.</summary>
[Collection(AzuriteTests.Name)]
public sealed class OnHandCommittedTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task ShopifySaleCountThenFulfilment_CommittedUntilShippedAndCountedOnce()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("ONHAND-SHOP-01", 5, 81);
        await app.LoadAsync(item);

        var order = await app.Shopify.PlaceOrderAsync([(item.ShopifyVariantId, 2)]);
        await Eventually.WaitAsync(async () => (await LevelAsync(app, item.Sku)).Committed == 2, Deadline, "the sale is committed");

        // The two sold units are still on the shelf, packed: a count of 5 must not take them off again.
        var counted = (await (await app.CountAsync(item.Sku, """{"quantity": 5}""")).ReadChangeAsync()).Sku;
        Assert.Equal((5, 2, 3), (counted.OnHand, counted.Committed, counted.Available));

        Assert.Equal(HttpStatusCode.OK, await app.Shopify.FulfillAsync(order!.OrderId));
        await Eventually.WaitAsync(async () => (await LevelAsync(app, item.Sku)).Committed == 0, Deadline, "the shipment leaves the shelf");

        var level = await LevelAsync(app, item.Sku);
        Assert.Equal((3, 0, 3), (level.OnHand, level.Committed, level.Available));
        var history = await app.HistoryAsync(item.Sku);
        var shipped = history.Entries[0];
        Assert.Equal(InventoryEventKind.Fulfilment, shipped.Kind);
        Assert.Equal((0, 3, 0), (shipped.Delta, shipped.OnHand!.Value, shipped.Committed!.Value));
    }

    [Fact]
    public async Task ShopifyPartialThenFullFulfilment_EachUnitShipsOnce()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("ONHAND-SHOP-02", 6, 82);
        await app.LoadAsync(item);
        var order = await app.Shopify.PlaceOrderAsync([(item.ShopifyVariantId, 3)]);
        await Eventually.WaitAsync(async () => (await LevelAsync(app, item.Sku)).Committed == 3, Deadline, "the sale is committed");
        var line = Assert.Single(app.Shopify.LineItemIds(order!.OrderId));

        // orders/partially_fulfilled, then orders/fulfilled repeating the first fulfilment in its payload.
        Assert.Equal(HttpStatusCode.OK, await app.Shopify.FulfillAsync(order.OrderId, [(line, 1)]));
        Assert.Equal(HttpStatusCode.OK, await app.Shopify.FulfillAsync(order.OrderId));

        await Eventually.WaitAsync(async () => (await LevelAsync(app, item.Sku)).Committed == 0, Deadline, "both shipments are applied");
        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        var level = await LevelAsync(app, item.Sku);
        Assert.Equal((3, 0, 3), (level.OnHand, level.Committed, level.Available));
    }

    [Fact]
    public async Task ShopifyFulfilmentCancelled_UnitsBackOnTheShelfAndCommittedAgain()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("ONHAND-UNSHIP-01", 5, 85);
        await app.LoadAsync(item);
        var order = await app.Shopify.PlaceOrderAsync([(item.ShopifyVariantId, 2)]);
        Assert.Equal(HttpStatusCode.OK, await app.Shopify.FulfillAsync(order!.OrderId));
        await Eventually.WaitAsync(async () => (await LevelAsync(app, item.Sku)) is { OnHand: 3, Committed: 0 }, Deadline, "the shipment leaves the shelf");

        // The label is voided: the parcel never left, the two units are the order's again.
        var fulfillment = Assert.Single(app.Shopify.FulfillmentIdsOf(order.OrderId));
        Assert.Equal(HttpStatusCode.OK, await app.Shopify.CancelFulfillmentAsync(order.OrderId, fulfillment));
        await Eventually.WaitAsync(async () => (await LevelAsync(app, item.Sku)).Committed == 2, Deadline, "the undone shipment is committed again");
        await app.DrainedAsync(app.Names.InventoryEventsQueue);

        var level = await LevelAsync(app, item.Sku);
        Assert.Equal((5, 2, 3), (level.OnHand, level.Committed, level.Available));
        var undone = (await app.HistoryAsync(item.Sku)).Entries[0];
        Assert.Equal(InventoryEventKind.FulfilmentCancelled, undone.Kind);
        Assert.Equal((0, 5, 2), (undone.Delta, undone.OnHand!.Value, undone.Committed!.Value));

        // Shipped again under a new fulfilment: each shipment leaves the shelf once.
        Assert.Equal(HttpStatusCode.OK, await app.Shopify.FulfillAsync(order.OrderId));
        await Eventually.WaitAsync(async () => (await LevelAsync(app, item.Sku)).Committed == 0, Deadline, "the second shipment is applied");
        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        level = await LevelAsync(app, item.Sku);
        Assert.Equal((3, 0, 3), (level.OnHand, level.Committed, level.Available));
    }

    [Fact]
    public async Task ShopifyFulfilmentCancelled_ShipmentWebhookLost_NothingMovesTwice()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("ONHAND-UNSHIP-02", 5, 86);
        await app.LoadAsync(item);
        var order = await app.Shopify.PlaceOrderAsync([(item.ShopifyVariantId, 1)]);
        await Eventually.WaitAsync(async () => (await LevelAsync(app, item.Sku)).Committed == 1, Deadline, "the sale is committed");

        // FuncSync never hears of the shipment, only of its cancellation.
        app.Shopify.LoseWebhooks("orders/fulfilled");
        await app.Shopify.FulfillAsync(order!.OrderId);
        var fulfillment = Assert.Single(app.Shopify.FulfillmentIdsOf(order.OrderId));
        Assert.Equal(HttpStatusCode.OK, await app.Shopify.CancelFulfillmentAsync(order.OrderId, fulfillment));

        var kinds = new[] { InventoryEventKind.Fulfilment, InventoryEventKind.FulfilmentCancelled };
        await Eventually.WaitAsync(async () => (await app.HistoryAsync(item.Sku)).Entries.Count(e => kinds.Contains(e.Kind)) == 2, Deadline, "the shipment and its undoing are both in the history");
        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        var level = await LevelAsync(app, item.Sku);
        Assert.Equal((5, 1, 4), (level.OnHand, level.Committed, level.Available));
    }

    [Fact]
    public async Task EtsyReceiptShipped_PollSeesItAndTheUnitsLeaveTheShelf()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite, EtsyTestSettings.ManualPolling);
        var item = new TestItem("ONHAND-ETSY-01", 4, 83);
        await app.LoadAsync(item);
        var (receipt, _) = await app.Etsy.PlaceOrderAsync(item.EtsyListingId, item.Sku, 1);
        Assert.Equal(HttpStatusCode.OK, (await app.RunTimerAsync(EtsyReceiptPollFunction.Name)).StatusCode);
        await Eventually.WaitAsync(async () => (await LevelAsync(app, item.Sku)).Committed == 1, Deadline, "the Etsy sale is committed");

        app.Etsy.ShipReceipt(receipt!.ReceiptId);
        Assert.Equal(HttpStatusCode.OK, (await app.RunTimerAsync(EtsyReceiptPollFunction.Name)).StatusCode);

        await Eventually.WaitAsync(async () => (await LevelAsync(app, item.Sku)).Committed == 0, Deadline, "the shipment is applied");
        var level = await LevelAsync(app, item.Sku);
        Assert.Equal((3, 0, 3), (level.OnHand, level.Committed, level.Available));
    }

    [Fact]
    public async Task RowWrittenBeforeCommitments_ReadsAsOnHandAndOldOrdersShipTheOldWay()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("ONHAND-OLD-01", 5, 84);
        await app.LoadAsync(item);
        await app.DrainedAsync(app.Names.ChannelPushQueue);

        // Rewrite the stock row as the previous version stored it: available only, last written now.
        var table = app.Storage.Table(app.Names.LedgerTable);
        var shop = app.App.Services.GetRequiredService<ShopPartition>();
        var key = TableKeys.Join("stock", item.Sku);
        var row = (await table.GetEntityAsync<TableEntity>(shop.Key, key)).Value;
        var migratedAt = TimeProvider.System.GetUtcNow();
        var old = new TableEntity(shop.Key, key)
        {
            ["Sku"] = item.Sku,
            ["Available"] = 4,
            ["PendingInspection"] = 0,
            ["Version"] = row.GetInt64("Version"),
            ["UpdatedAt"] = migratedAt,
        };
        await table.UpdateEntityAsync(old, row.ETag, TableUpdateMode.Replace);

        var level = await LevelAsync(app, item.Sku);
        Assert.Equal((4, 0, 4), (level.OnHand, level.Committed, level.Available));

        // An order placed before the upgrade already took its unit off: shipping it moves nothing; a new sale commits.
        await app.SendEventAsync(Event("old-ship", InventoryEventKind.Fulfilment, item.Sku, migratedAt.AddMinutes(1)) with { SoldAt = migratedAt.AddDays(-1) });
        await app.SendEventAsync(Event("new-sale", InventoryEventKind.Sale, item.Sku, migratedAt.AddMinutes(2)));
        await Eventually.WaitAsync(async () => (await LevelAsync(app, item.Sku)).Committed == 1, Deadline, "the new sale is committed");
        await app.DrainedAsync(app.Names.InventoryEventsQueue);

        level = await LevelAsync(app, item.Sku);
        Assert.Equal((4, 1, 3), (level.OnHand, level.Committed, level.Available));
        Assert.Equal(2, (await app.HistoryAsync(item.Sku)).Entries.Count(e => e.EventId is "old-ship" or "new-sale"));
    }

    private static InventoryEventReceived Event(string id, InventoryEventKind kind, string sku, DateTimeOffset at) =>
        new(id, kind, "test", null, sku, 1, at, at, null);

    private static async Task<StockLevel> LevelAsync(FuncSyncTestApp app, string sku) =>
        (await app.Ledger.GetStockAsync(sku, CancellationToken.None)).Level;
}

using FuncSync.Domain.Ledger;
using FuncSync.Shopify;

namespace FuncSync.App.Tests.Shopify;

public sealed class ShopifyEventTranslatorTests
{
    private static readonly DateTimeOffset At = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("cancel", InventoryEventKind.Cancellation)]
    [InlineData("return", InventoryEventKind.Return)]
    [InlineData("legacy_restock", InventoryEventKind.Return)]
    public void Refund_RestockingType_OneEventOfKind(string restockType, InventoryEventKind expected)
    {
        var refund = Refund(restockType);

        var received = Assert.Single(ShopifyEventTranslator.Refund(refund, At, At, _ => { }));

        Assert.Equal(expected, received.Kind);
        Assert.Equal(2, received.Quantity);
        Assert.Equal("41", received.Listing!.Key);
    }

    [Fact]
    public void Refund_NoRestock_NoEventAndLineReportedSkipped()
    {
        var skipped = 0;

        var events = ShopifyEventTranslator.Refund(Refund("no_restock"), At, At, _ => skipped++);

        Assert.Empty(events);
        Assert.Equal(1, skipped);
    }

    [Fact]
    public void Cancellations_PartlyFulfilledLine_RestocksOnlyUnshipped()
    {
        var order = new ShopifyOrder(7, "#7", At, [Line(30, 41, 3, "partial"), Line(31, 42, 1, "fulfilled")])
        {
            Fulfillments = [new ShopifyFulfillment("success", [new ShopifyFulfilledLine(30, 1)]), new ShopifyFulfillment("cancelled", [new ShopifyFulfilledLine(30, 1)])],
        };

        var received = Assert.Single(ShopifyEventTranslator.Cancellations(order, At, At, _ => { }));

        Assert.Equal(InventoryEventKind.Cancellation, received.Kind);
        Assert.Equal(2, received.Quantity);
    }

    [Fact]
    public void CancellationAndCancelRefund_SameLine_SameEventId()
    {
        var order = new ShopifyOrder(7, "#7", At, [Line(30, 41, 2, null)]);

        var fromCancel = Assert.Single(ShopifyEventTranslator.Cancellations(order, At, At, _ => { }));
        var fromRefund = Assert.Single(ShopifyEventTranslator.Refund(Refund("cancel"), At, At, _ => { }));

        Assert.Equal(fromCancel.EventId, fromRefund.EventId);
    }

    [Fact]
    public void Sales_CustomLineSkippedFulfilmentServiceLineCountedIfMapped()
    {
        var order = new ShopifyOrder(7, "#7", At, [
            new ShopifyLineItem(1, null, null, 1, null),
            new ShopifyLineItem(2, 42, "X", 1, "amazon-fulfillment"),
            Line(3, 43, 2, null),
        ]);
        var skipped = new List<long>();

        var received = ShopifyEventTranslator.Sales(order, At, At, l => skipped.Add(l.Id));

        Assert.Equal([1L], skipped);
        Assert.All(received, r => Assert.Equal(InventoryEventKind.Sale, r.Kind));
        Assert.Equal([("42", true), ("43", false)], received.Select(r => (r.Listing!.Key, r.SkipIfUnmapped)));
    }

    private static ShopifyLineItem Line(long id, long variant, int quantity, string? fulfillment) =>
        new(id, variant, "SKU", quantity, "shopify") { FulfillmentStatus = fulfillment };

    private static ShopifyRefund Refund(string restockType) =>
        new(90, 7, At, [new ShopifyRefundLineItem(91, 30, 2, restockType, 6500000001, Line(30, 41, 2, null))]);
}

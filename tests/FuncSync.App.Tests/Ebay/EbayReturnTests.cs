using FuncSync.Ebay;
using FuncSync.Simulators.Ebay;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Ebay;

/// <summary>eBay returns from the Post-Order API, end to end: a return whose item came back restocks its units once, by
/// the seller's return policy; a refund without the item back restocks nothing; a return that moved on between two
/// passes is judged by its history.</summary>
[Collection(AzuriteTests.Name)]
public sealed class EbayReturnTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Return_ItemDeliveredBack_RestocksOnce()
    {
        await using var app = await EbayTestApp.StartAsync(azurite);
        var item = await app.LoadAsync("EBAY-RETURN-01", 10, 431);
        var order = await app.Ebay.PlaceOrderAsync([(item.EbaySku, 3)], NotificationFate.Delivered);
        await app.WaitUntilEverywhereAsync(item, 7, "the sale shows on every channel");

        var returned = app.Ebay.OpenReturn(order.OrderId, order.LineItemIds[0], 2);
        app.Ebay.MoveReturn(returned, EbaySimulator.ItemShipped);
        await app.PollAsync();
        await app.SettledAsync();
        Assert.Equal(7, await app.App.AvailableAsync(item.Sku));

        app.Ebay.MoveReturn(returned, EbaySimulator.ItemDelivered);
        await app.PollAsync();
        await app.WaitUntilEverywhereAsync(item, 9, "the returned units show on every channel");

        // Read again in every later state and pass: still once.
        await app.PollAsync();
        app.Ebay.MoveReturn(returned, EbaySimulator.RefundIssued);
        await app.PollAsync();
        app.Ebay.MoveReturn(returned, EbaySimulator.Closed);
        await app.PollAsync();
        await app.SettledAsync();
        Assert.Equal(9, await app.App.AvailableAsync(item.Sku));
        Assert.True(await app.App.Ledger.IsAppliedEventAsync(EbayReturns.ReturnId(returned), CancellationToken.None));
    }

    [Fact]
    public async Task Return_RefundedWithoutTheItem_NothingRestocked()
    {
        await using var app = await EbayTestApp.StartAsync(azurite);
        var item = await app.LoadAsync("EBAY-RETURN-02", 10, 432);
        var order = await app.Ebay.PlaceOrderAsync([(item.EbaySku, 3)], NotificationFate.Delivered);
        await app.WaitUntilEverywhereAsync(item, 7, "the sale shows on every channel");
        var kept = app.Ebay.OpenReturn(order.OrderId, order.LineItemIds[0], 1);
        var refundedFirst = app.Ebay.OpenReturn(order.OrderId, order.LineItemIds[0], 1);
        await app.PollAsync();

        app.Ebay.MoveReturn(kept, EbaySimulator.ItemKept);
        app.Ebay.MoveReturn(refundedFirst, EbaySimulator.RefundIssued);
        await app.PollAsync();
        app.Ebay.MoveReturn(refundedFirst, EbaySimulator.Closed);
        await app.PollAsync();

        await app.SettledAsync();
        Assert.Equal(7, await app.App.AvailableAsync(item.Sku));
        Assert.False(await app.App.Ledger.IsAppliedEventAsync(EbayReturns.ReturnId(kept), CancellationToken.None));
        Assert.False(await app.App.Ledger.IsAppliedEventAsync(EbayReturns.ReturnId(refundedFirst), CancellationToken.None));
    }

    [Fact]
    public async Task Return_DeliveredAndClosedBetweenPasses_RestockedFromItsHistory()
    {
        await using var app = await EbayTestApp.StartAsync(azurite);
        var item = await app.LoadAsync("EBAY-RETURN-03", 10, 433);
        var order = await app.Ebay.PlaceOrderAsync([(item.EbaySku, 3)], NotificationFate.Delivered);
        await app.WaitUntilEverywhereAsync(item, 7, "the sale shows on every channel");
        var returned = app.Ebay.OpenReturn(order.OrderId, order.LineItemIds[0], 3);
        await app.PollAsync();

        app.Ebay.MoveReturn(returned, EbaySimulator.ItemShipped);
        app.Ebay.MoveReturn(returned, EbaySimulator.ItemDelivered);
        app.Ebay.MoveReturn(returned, EbaySimulator.RefundIssued);
        app.Ebay.MoveReturn(returned, EbaySimulator.Closed);
        await app.PollAsync();

        await app.WaitUntilEverywhereAsync(item, 10, "the returned units show on every channel");
    }

    [Fact]
    public async Task Return_InspectPolicy_UnitsHeldNotRestocked()
    {
        await using var app = await EbayTestApp.StartAsync(azurite, settings: new Dictionary<string, string?> { ["Returns:Ebay"] = "Inspect" });
        var item = await app.LoadAsync("EBAY-RETURN-04", 10, 434);
        var order = await app.Ebay.PlaceOrderAsync([(item.EbaySku, 3)], NotificationFate.Delivered);
        await app.WaitUntilEverywhereAsync(item, 7, "the sale shows on every channel");
        var returned = app.Ebay.OpenReturn(order.OrderId, order.LineItemIds[0], 2);

        app.Ebay.MoveReturn(returned, EbaySimulator.ItemDelivered);
        await app.PollAsync();

        await Eventually.WaitAsync(() => app.App.Ledger.IsAppliedEventAsync(EbayReturns.ReturnId(returned), CancellationToken.None), TimeSpan.FromSeconds(20), "the return is applied");
        await app.SettledAsync();
        Assert.Equal(7, await app.App.AvailableAsync(item.Sku));
    }
}

using FuncSync.App.Tests.Infrastructure;
using System.Net;
using FuncSync.Simulators.Ebay;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Ebay;

/// <summary>eBay sales end to end: the simulator's signed ORDER_CONFIRMATIONs and its Fulfillment API, the real app on
/// Azurite, and the Shopify and Etsy simulators over HTTP.</summary>
[Collection(AzuriteTests.Name)]
public sealed class EbayFlowTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Sale_NotificationPath_ReachesShopifyAndEtsy()
    {
        await using var app = await EbayTestApp.StartAsync(azurite);
        var item = await app.LoadAsync("EBAY-NOTE-01", 10, 401);

        var order = await app.Ebay.PlaceOrderAsync([(item.EbaySku, 2)], NotificationFate.Delivered);

        Assert.Equal([HttpStatusCode.OK], order.Notifications);
        await app.WaitUntilEverywhereAsync(item, 8, "the eBay sale shows on every channel");
        await app.SettledAsync();
        Assert.Equal(8, await app.App.AvailableAsync(item.Sku));
    }

    [Fact]
    public async Task Sale_NotificationPath_LedgerKeepsTheLineCost()
    {
        await using var app = await EbayTestApp.StartAsync(azurite);
        var item = await app.LoadAsync("EBAY-PRICE-01", 10, 403);
        app.Ebay.SetPrice(item.EbaySku, 14.25m);

        await app.Ebay.PlaceOrderAsync([(item.EbaySku, 2)], NotificationFate.Delivered);

        var sold = await app.App.SoldLineAsync(item.Sku, FuncSync.Domain.Channel.Ebay);
        Assert.Equal(2, sold.Units);
        Assert.Equal(new Domain.Costing.Money(28.50m, "USD"), sold.Paid);
    }

    [Fact]
    public async Task Sale_MarkdownPromotion_PollKeepsTheDiscountedLineCost()
    {
        await using var app = await EbayTestApp.StartAsync(azurite);
        var item = await app.LoadAsync("EBAY-PRICE-02", 10, 404);
        app.Ebay.SetPrice(item.EbaySku, 20.00m);
        app.Ebay.SetMarkdown(item.EbaySku, 25);

        await app.Ebay.PlaceOrderAsync([(item.EbaySku, 2)], NotificationFate.Lost);

        // lineItemCost 40.00; discountedLineItemCost 30.00 after the 25 % markdown.
        await Eventually.WaitAsync(
            async () =>
            {
                await app.PollAsync();
                return await app.App.AvailableAsync(item.Sku) == 8;
            },
            TimeSpan.FromSeconds(30),
            "the orders poll found the sale");
        var sold = await app.App.SoldLineAsync(item.Sku, FuncSync.Domain.Channel.Ebay);
        Assert.Equal(new Domain.Costing.Money(30.00m, "USD"), sold.Paid);
    }

    [Fact]
    public async Task Sale_NotificationLost_PollAloneBringsIt()
    {
        await using var app = await EbayTestApp.StartAsync(azurite);
        var item = await app.LoadAsync("EBAY-POLL-01", 10, 402);

        var order = await app.Ebay.PlaceOrderAsync([(item.EbaySku, 3)], NotificationFate.Lost);
        Assert.Empty(order.Notifications);
        await app.SettledAsync();
        Assert.Equal(10, await app.App.AvailableAsync(item.Sku));

        await app.PollAsync();

        await app.WaitUntilEverywhereAsync(item, 7, "the polled eBay sale shows on every channel");
    }

    [Fact]
    public async Task Notification_Repeated_AppliedOnce()
    {
        await using var app = await EbayTestApp.StartAsync(azurite);
        var item = await app.LoadAsync("EBAY-REPEAT-01", 10, 403);

        var order = await app.Ebay.PlaceOrderAsync([(item.EbaySku, 2)], NotificationFate.Repeated);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK], order.Notifications);
        await app.WaitUntilEverywhereAsync(item, 8, "the eBay sale shows on every channel");
        await app.SettledAsync();
        Assert.Equal(8, await app.App.AvailableAsync(item.Sku));
    }

    [Fact]
    public async Task NotificationsPerLineAndThePoll_SameOrder_CountOnce()
    {
        await using var app = await EbayTestApp.StartAsync(azurite);
        var first = await app.LoadAsync("EBAY-BOTH-01", 10, 404);
        var second = await app.LoadAsync("EBAY-BOTH-02", 6, 405);

        // Two lines: two notifications, each a hint to read the whole order.
        await app.Ebay.PlaceOrderAsync([(first.EbaySku, 2), (second.EbaySku, 1)], NotificationFate.Delivered);
        await app.SettledAsync();
        await app.PollAsync();
        await app.SettledAsync();

        await app.WaitUntilEverywhereAsync(first, 8, "the first line shows on every channel");
        await app.WaitUntilEverywhereAsync(second, 5, "the second line shows on every channel");
        Assert.Equal(8, await app.App.AvailableAsync(first.Sku));
        Assert.Equal(5, await app.App.AvailableAsync(second.Sku));
    }

    [Fact]
    public async Task Cancellation_ReadByThePoll_RestocksOnce()
    {
        await using var app = await EbayTestApp.StartAsync(azurite);
        var item = await app.LoadAsync("EBAY-CANCEL-01", 10, 406);
        var order = await app.Ebay.PlaceOrderAsync([(item.EbaySku, 3)], NotificationFate.Delivered);
        await app.WaitUntilEverywhereAsync(item, 7, "the sale shows on every channel");

        app.Ebay.CancelOrder(order.OrderId);
        await app.PollAsync();
        await app.SettledAsync();
        await app.PollAsync();

        await app.WaitUntilEverywhereAsync(item, 10, "the cancelled units are back on every channel");
        await app.SettledAsync();
        Assert.Equal(10, await app.App.AvailableAsync(item.Sku));
    }
}

using FuncSync.App.Tests.Infrastructure;
using System.Net;
using FuncSync.Monitoring;
using FuncSync.Simulators.WooCommerce;
using FuncSync.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.App.Tests.WooCommerce;

/// <summary>A WooCommerce website beside the marketplaces, end to end: the simulator's signed webhooks and its REST API,
/// the real app, queues and ledger on Azurite, and the Shopify and Etsy simulators over HTTP.</summary>
[Collection(AzuriteTests.Name)]
public sealed class WooCommerceFlowTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task WebsiteSale_ByWebhook_ReachesShopifyAndEtsy()
    {
        await using var app = await WooCommerceTestApp.StartAsync(azurite);
        var mapping = await app.LoadAsync("WOO-HOOK-01", 5, 401);

        await app.Woo.CheckoutAsync([(WooCommerceTestApp.StockId(mapping), 2)]);

        await app.WaitUntilEverywhereAsync(mapping, 3, "the website's sale shows on every channel");
        await app.SettledAsync();
        Assert.Equal(3, await app.App.AvailableAsync(mapping.Sku));
        Assert.Contains(app.Woo.Deliveries, d => d.Topic == WooCommerceSimulator.OrderCreated && d.Status == HttpStatusCode.OK);
    }

    [Fact]
    public async Task WebsiteSale_WithACoupon_LedgerKeepsTheLineTotalAfterTheCoupon()
    {
        await using var app = await WooCommerceTestApp.StartAsync(azurite);
        var mapping = await app.LoadAsync("WOO-PRICE-01", 5, 403);
        app.Woo.SetPrice(WooCommerceTestApp.StockId(mapping), 12.50m);
        app.Woo.SetCouponPercent(10);

        await app.Woo.CheckoutAsync([(WooCommerceTestApp.StockId(mapping), 2)]);

        // 2 × 12.50 = 25.00 before the coupon (the line's subtotal); 22.50 after it (its total).
        var sold = await app.App.SoldLineAsync(mapping.Sku, FuncSync.Domain.Channel.WooCommerce);
        Assert.Equal(2, sold.Units);
        Assert.Equal(new Domain.Costing.Money(22.50m, "GBP"), sold.Paid);
    }

    [Fact]
    public async Task WebsiteSale_EveryDeliveryLost_ReachesShopifyAndEtsyByThePoll()
    {
        await using var app = await WooCommerceTestApp.StartAsync(azurite, new WooCommerceSimulatorOptions { LostShare = 1 });
        var mapping = await app.LoadAsync("WOO-POLL-01", 5, 402);
        await app.PollAsync();

        await app.Woo.CheckoutAsync([(WooCommerceTestApp.StockId(mapping), 2)]);
        await app.PollAsync();

        await app.WaitUntilEverywhereAsync(mapping, 3, "the polled sale shows on every channel");
        await app.SettledAsync();
        Assert.Equal(3, await app.App.AvailableAsync(mapping.Sku));
        Assert.Empty(app.Woo.Deliveries);
        Assert.True(app.Woo.Lost > 0);
        var health = await app.App.App.Services.GetRequiredService<ChannelActivity>().ListAsync(CancellationToken.None);
        Assert.Equal(1, health.Single(h => h.Channel == Domain.Channel.WooCommerce).WebhooksBehind?.Caught);
    }

    [Fact]
    public async Task WebhookAndPoll_SameOrder_CountedOnce()
    {
        await using var app = await WooCommerceTestApp.StartAsync(azurite);
        var mapping = await app.LoadAsync("WOO-ONCE-01", 6, 403);
        await app.PollAsync();

        await app.Woo.CheckoutAsync([(WooCommerceTestApp.StockId(mapping), 1)]);
        await app.WaitUntilEverywhereAsync(mapping, 5, "the webhook's sale shows on every channel");
        await app.PollAsync();
        await app.PollAsync();

        await app.SettledAsync();
        Assert.Equal(5, await app.App.AvailableAsync(mapping.Sku));
        Assert.Equal(5, app.WooStock(mapping));
    }

    [Fact]
    public async Task ShopsOwnReduction_ForAnImportedOrder_IsNotASecondSale()
    {
        await using var app = await WooCommerceTestApp.StartAsync(azurite);
        var mapping = await app.LoadAsync("WOO-ECHO-01", 5, 404);

        await app.Woo.CheckoutAsync([(WooCommerceTestApp.StockId(mapping), 2)]);

        await app.WaitUntilEverywhereAsync(mapping, 3, "the sale shows on every channel");
        await app.SettledAsync();
        Assert.Contains(app.Woo.Deliveries, d => d.Topic == WooCommerceSimulator.ProductUpdated && d.Status == HttpStatusCode.OK);
        Assert.Equal(3, await app.App.AvailableAsync(mapping.Sku));
        Assert.Equal(3, app.WooStock(mapping));
    }

    [Fact]
    public async Task ShopsOwnReduction_OrderDeliveryLost_CountedOnceAsTheSale()
    {
        // Only the product's delivery arrives: the level check imports the product's order before it judges the drop.
        await using var app = await WooCommerceTestApp.StartAsync(azurite);
        var mapping = await app.LoadAsync("WOO-ECHO-02", 5, 405);
        app.Woo.Options.DeliveryUrl = null;
        var order = await app.Woo.CheckoutAsync([(WooCommerceTestApp.StockId(mapping), 2)]);
        app.Woo.Options.DeliveryUrl = new Uri(app.App.BaseUrl, "api/webhooks/woocommerce");

        await app.Woo.EditStockInAdminAsync(WooCommerceTestApp.StockId(mapping), 3);

        await app.WaitUntilEverywhereAsync(mapping, 3, "the sale shows on every channel");
        await app.SettledAsync();
        Assert.Equal(3, await app.App.AvailableAsync(mapping.Sku));
        Assert.True(await app.App.Ledger.IsAppliedEventAsync(FuncSync.WooCommerce.WooCommerceOrderEvents.SaleId(order, app.Woo.LineIds(order)[0]), CancellationToken.None));
    }

    [Fact]
    public async Task CancelledOrder_RestocksExactlyOnce()
    {
        await using var app = await WooCommerceTestApp.StartAsync(azurite);
        var mapping = await app.LoadAsync("WOO-CANCEL-01", 5, 406);
        await app.PollAsync();
        var order = await app.Woo.CheckoutAsync([(WooCommerceTestApp.StockId(mapping), 2)]);
        await app.WaitUntilEverywhereAsync(mapping, 3, "the sale shows on every channel");

        await app.Woo.CancelAsync(order);
        await app.PollAsync();

        await app.WaitUntilEverywhereAsync(mapping, 5, "the cancellation shows on every channel");
        await app.PollAsync();
        await app.SettledAsync();
        Assert.Equal(5, await app.App.AvailableAsync(mapping.Sku));
        Assert.Equal(5, app.WooStock(mapping));
    }

    [Fact]
    public async Task Refund_RestocksOnlyWithRestockItems()
    {
        await using var app = await WooCommerceTestApp.StartAsync(azurite);
        var mapping = await app.LoadAsync("WOO-REFUND-01", 6, 407);
        var kept = await app.Woo.CheckoutAsync([(WooCommerceTestApp.StockId(mapping), 1)]);
        var restocked = await app.Woo.CheckoutAsync([(WooCommerceTestApp.StockId(mapping), 2)]);
        await app.WaitUntilEverywhereAsync(mapping, 3, "both sales show on every channel");

        await app.Woo.RefundAsync(kept, [(app.Woo.LineIds(kept)[0], 1)], restockItems: false);
        await app.SettledAsync();
        Assert.Equal(3, await app.App.AvailableAsync(mapping.Sku));

        await app.Woo.RefundAsync(restocked, [(app.Woo.LineIds(restocked)[0], 2)], restockItems: true);

        await app.WaitUntilEverywhereAsync(mapping, 5, "the restocked refund shows on every channel");
        await app.SettledAsync();
        Assert.Equal(5, await app.App.AvailableAsync(mapping.Sku));
        Assert.Equal("refunded", app.Woo.OrderStatus(restocked));
    }

    [Fact]
    public async Task WpAdminEdit_AppliedAsAnAdjustment()
    {
        await using var app = await WooCommerceTestApp.StartAsync(azurite);
        var mapping = await app.LoadAsync("WOO-ADMIN-01", 5, 408);

        await app.Woo.EditStockInAdminAsync(WooCommerceTestApp.StockId(mapping), 8);

        await app.WaitUntilEverywhereAsync(mapping, 8, "the edit shows on every channel");
        await app.SettledAsync();
        Assert.Equal(8, await app.App.AvailableAsync(mapping.Sku));
    }

    [Fact]
    public async Task FailingDeliveries_DisableTheWebhook_EveryOrderStillArrivesByPoll()
    {
        // The website signs with a secret FuncSync no longer has: every delivery is refused 401 and counts as a failure.
        await using var app = await WooCommerceTestApp.StartAsync(azurite, settings: new Dictionary<string, string?> { ["WooCommerce:WebhookSecret"] = "a-secret-rotated-since" });
        var mapping = await app.LoadAsync("WOO-DISABLED-01", 12, 409);
        await app.PollAsync();

        var orders = new List<long>();
        for (var i = 0; i < 8; i++)
        {
            orders.Add(await app.Woo.CheckoutAsync([(WooCommerceTestApp.StockId(mapping), 1)]));
        }

        Assert.Equal("disabled", app.Woo.WebhookStatus(WooCommerceSimulator.OrderCreated));
        Assert.All(app.Woo.Deliveries, d => Assert.Equal(HttpStatusCode.Unauthorized, d.Status));
        await app.PollAsync();

        await app.WaitUntilEverywhereAsync(mapping, 4, "every order shows on every channel");
        await app.SettledAsync();
        Assert.Equal(4, await app.App.AvailableAsync(mapping.Sku));
        foreach (var order in orders)
        {
            Assert.True(await app.App.Ledger.IsAppliedEventAsync(FuncSync.WooCommerce.WooCommerceOrderEvents.SaleId(order, app.Woo.LineIds(order)[0]), CancellationToken.None));
        }
    }
}

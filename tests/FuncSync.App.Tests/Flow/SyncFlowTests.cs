using System.Net;
using System.Net.Http.Json;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Etsy;
using FuncSync.Json;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Flow;

/// <summary>The walking skeleton end to end: a sale on one channel reaches the other, through the real
/// webhook or poll, queues, ledger and pushes, on Azurite and the simulators.</summary>
[Collection(AzuriteTests.Name)]
public sealed class SyncFlowTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task ShopifyOrder_OneUnit_EtsyListingDropsByOne()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("NECK-MOON-01", 2, 1);
        await app.LoadAsync(item);

        var order = await app.Shopify.PlaceOrderAsync([(item.ShopifyVariantId, 1)]);

        Assert.Equal(HttpStatusCode.OK, order!.WebhookStatus);
        await Eventually.WaitAsync(() => app.Etsy.GetQuantity(item.EtsyListingId, item.Sku) == 1, Deadline, "Etsy shows 1");
        var status = await app.Http.GetFromJsonAsync($"api/skus/{item.Sku}", FuncSyncJson.Default.SkuStatus);
        Assert.Equal(1, status!.Available);
        Assert.Equal(1, app.Shopify.GetAvailable(item.ShopifyInventoryItemId, TestItem.LocationId));
    }

    [Fact]
    public async Task EtsyReceipt_OneUnit_ShopifyAvailableDropsByOne()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("RING-SIL-7", 2, 2);
        await app.LoadAsync(item);

        Assert.NotNull(app.Etsy.PlaceOrder(item.EtsyListingId, item.Sku, 1));
        var poll = await app.RunTimerAsync(EtsyReceiptPollFunction.Name);

        Assert.Equal(HttpStatusCode.OK, poll.StatusCode);
        await Eventually.WaitAsync(() => app.Shopify.GetAvailable(item.ShopifyInventoryItemId, TestItem.LocationId) == 1, Deadline, "Shopify shows 1");
        Assert.Equal(1, await app.AvailableAsync(item.Sku));
    }

    [Fact]
    public async Task LastUnit_SoldOnShopify_EtsyListingIsDeactivated()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("BOWL-IND-01", 1, 3);
        await app.LoadAsync(item);

        await app.Shopify.PlaceOrderAsync([(item.ShopifyVariantId, 1)]);

        // Etsy cannot take quantity 0 on a listing's only offering: the listing goes inactive instead.
        await Eventually.WaitAsync(() => app.Etsy.GetListingState(item.EtsyListingId) == "inactive", Deadline, "the Etsy listing is inactive");
        Assert.Equal(0, await app.AvailableAsync(item.Sku));
    }

    [Fact]
    public async Task SameWebhook_DeliveredThreeTimes_AppliedOnce()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("CAND-SOY-01", 6, 4);
        await app.LoadAsync(item);

        var order = await app.Shopify.PlaceOrderAsync([(item.ShopifyVariantId, 2)]);
        Assert.Equal(HttpStatusCode.OK, await app.Shopify.RedeliverAsync(order!.EventId));
        Assert.Equal(HttpStatusCode.OK, await app.Shopify.RedeliverAsync(order.EventId));

        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        await app.DrainedAsync(app.Names.ChannelPushQueue);
        Assert.Equal(4, await app.AvailableAsync(item.Sku));
        Assert.Equal(4, app.Etsy.GetQuantity(item.EtsyListingId, item.Sku));
    }
}

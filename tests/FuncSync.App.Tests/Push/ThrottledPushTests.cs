using FuncSync.Alerts;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Domain;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Push;

[Collection(AzuriteTests.Name)]
public sealed class ThrottledPushTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    // Each push invocation asks Etsy once and the HTTP pipeline retries a 429 three times.
    private const int RequestsPerInvocation = 4;

    // Each push invocation asks Shopify again after a THROTTLED answer, five times in all, before it gives the push back.
    private const int ShopifyAttemptsPerInvocation = 5;

    [Fact]
    public async Task EtsyPush_ThrottledLongerThanFiveDeliveries_WaitsItOutAndConvergesWithNoPoison()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("THROTTLED-ETSY-01", 6, 81);
        await app.LoadAsync(item);

        // Etsy answers every request 429 (no Retry-After, as Etsy documents) until the window ends: a throttle is no
        // verdict on the push, which must wait and ask again, never count it as a failure towards the poison queue.
        var throttling = true;
        var throttled = 0;
        app.Etsy.InjectFaults(
            _ =>
            {
                if (!Volatile.Read(ref throttling))
                {
                    return false;
                }

                Interlocked.Increment(ref throttled);
                return true;
            },
            int.MaxValue,
            429);
        (await app.CountAsync(item.Sku, """{"quantity": 4}""")).EnsureSuccessStatusCode();

        // Six invocations refused: one more than the queue's five deliveries, after which a failing push is poisoned.
        await Eventually.WaitAsync(() => Volatile.Read(ref throttled) > 5 * RequestsPerInvocation, Deadline, "the push is throttled a sixth time");
        var poison = app.Storage.Queue(app.Names.ChannelPushQueue + "-poison");
        Assert.False(await poison.ExistsAsync() && (await poison.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0);
        var alert = await app.AlertEventuallyAsync(
            AlertKind.PushFailed, PushFailureAlerts.KeyFor(item.Sku, Channel.Etsy), a => a.Status == AlertStatus.Open, "a throttle that lasts is alerted");
        Assert.Equal(6, app.Etsy.GetQuantity(item.EtsyListingId, item.Sku));

        Volatile.Write(ref throttling, false);

        await Eventually.WaitAsync(() => app.Etsy.GetQuantity(item.EtsyListingId, item.Sku) == 4, Deadline, "Etsy shows the ledger's number once the window ends");
        await app.AlertEventuallyAsync(AlertKind.PushFailed, alert.Key, a => a.Status == AlertStatus.Resolved, "the alert resolves with the push");
        await app.DrainedAsync(app.Names.ChannelPushQueue);
        Assert.False(await poison.ExistsAsync() && (await poison.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0);
    }

    [Fact]
    public async Task ShopifyPush_ThrottledLongerThanFiveDeliveries_DelayedAndLandsWithNoPoison()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("THROTTLED-SHOP-01", 6, 82);
        await app.LoadAsync(item);

        // Shopify refuses the write with THROTTLED (HTTP 200, nothing run) for six invocations' worth of attempts: one
        // invocation more than the queue's five deliveries, after which a failing push is poisoned.
        const int throttles = 6 * ShopifyAttemptsPerInvocation;
        var itemId = item.ShopifyInventoryItemId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var throttled = 0;
        app.Shopify.InjectThrottles(
            "inventorySetQuantities",
            variables =>
            {
                if (!variables.ToJsonString().Contains(itemId, StringComparison.Ordinal))
                {
                    return false;
                }

                Interlocked.Increment(ref throttled);
                return true;
            },
            throttles);
        (await app.CountAsync(item.Sku, """{"quantity": 4}""")).EnsureSuccessStatusCode();

        await Eventually.WaitAsync(
            () => app.Shopify.GetAvailable(item.ShopifyInventoryItemId, TestItem.LocationId) == 4, Deadline, "Shopify shows the ledger's number once it takes the write");
        Assert.Equal(throttles, Volatile.Read(ref throttled));
        await app.DrainedAsync(app.Names.ChannelPushQueue);
        var poison = app.Storage.Queue(app.Names.ChannelPushQueue + "-poison");
        Assert.False(await poison.ExistsAsync() && (await poison.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0);
    }
}

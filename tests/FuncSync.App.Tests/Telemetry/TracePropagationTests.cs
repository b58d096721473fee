using System.Collections.Concurrent;
using System.Diagnostics;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Hosting.Queues;
using FuncSync.Ledger;
using FuncSync.Push;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Telemetry;

[Collection(AzuriteTests.Name)]
public sealed class TracePropagationTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task ShopifyWebhook_OneOrder_ItsTraceReachesApplyLedgerAndEveryPush()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is QueueTrace.SourceName or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("BELL-BRASS-01", 4, 91);
        await app.LoadAsync(item);

        await app.Shopify.PlaceOrderAsync([(item.ShopifyVariantId, 1)]);
        await Eventually.WaitAsync(() => app.Etsy.GetQuantity(item.EtsyListingId, item.Sku) == 3, TimeSpan.FromSeconds(20), "Etsy shows 3");

        // This app's activities only: other tests run alongside in the same process.
        bool Ours(Activity a, string queue) => Equals(a.GetTagItem("messaging.destination.name"), queue);
        var webhook = Assert.Single(stopped, a => a.Kind == ActivityKind.Server && (a.GetTagItem("url.path") as string) == "/api/webhooks/shopify" && a.GetTagItem("server.port") is int port && port == app.BaseUrl.Port);
        await Eventually.WaitAsync(
            () => stopped.Count(a => a.OperationName == PushChannelFunction.Name && Ours(a, app.Names.ChannelPushQueue) && a.TraceId == webhook.TraceId) >= 2,
            TimeSpan.FromSeconds(20),
            "both channels' pushes carry the webhook's trace");
        var apply = Assert.Single(stopped, a => a.OperationName == ApplyLedgerFunction.Name && Ours(a, app.Names.InventoryEventsQueue) && a.TraceId == webhook.TraceId);
        Assert.Equal(ActivityKind.Consumer, apply.Kind);
        Assert.All(
            stopped.Where(a => a.OperationName == PushChannelFunction.Name && a.TraceId == webhook.TraceId),
            push => Assert.Equal(apply.SpanId, push.ParentSpanId));
    }
}

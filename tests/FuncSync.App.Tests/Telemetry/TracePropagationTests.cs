using System.Collections.Concurrent;
using System.Diagnostics;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Channels.Webhooks;
using FuncSync.Hosting.Queues;
using FuncSync.Ledger;
using FuncSync.Push;
using FuncSync.Telemetry;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Telemetry;

[Collection(AzuriteTests.Name)]
public sealed class TracePropagationTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task ShopifyWebhook_OneOrder_ItsTraceReachesTheInboxTheLedgerAndEveryPush()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is QueueTrace.SourceName or FuncSyncTelemetry.Name or "Microsoft.AspNetCore",
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
        var webhook = Assert.Single(stopped, a => a.Kind == ActivityKind.Server && (a.GetTagItem("url.path") as string) == "/api/webhooks/shopify" && a.GetTagItem("server.port") is int port && port == app.BaseUrl.Port);
        await Eventually.WaitAsync(
            () => stopped.Any(a => a.OperationName == ChannelWebhookDispatchFunction.Name && a.TraceId == webhook.TraceId),
            TimeSpan.FromSeconds(20),
            "the inbox's invocation carries the webhook's trace");
        var dispatch = Assert.Single(stopped, a => a.OperationName == ChannelWebhookDispatchFunction.Name && Equals(a.GetTagItem("messaging.destination.name"), app.Names.ChannelWebhooksQueue) && a.TraceId == webhook.TraceId);
        Assert.Equal(ActivityKind.Consumer, dispatch.Kind);

        // The order's event is applied and pushed in that invocation, no queue hop between: spans within its trace.
        var apply = Assert.Single(stopped, a => a.OperationName == ApplyLedgerFunction.Name && a.TraceId == webhook.TraceId);
        Assert.Equal(dispatch.SpanId, apply.ParentSpanId);
        var pushes = stopped.Where(a => a.OperationName == PushChannelFunction.Name && a.TraceId == webhook.TraceId).ToList();
        Assert.Equal(2, pushes.Count);
        Assert.All(pushes, push => Assert.Equal(apply.SpanId, push.ParentSpanId));
    }
}

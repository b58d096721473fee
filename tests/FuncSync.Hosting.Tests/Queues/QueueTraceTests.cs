using System.Collections.Concurrent;
using System.Diagnostics;
using FuncSync.Hosting.Functions;
using FuncSync.Hosting.Queues;
using FuncSync.Hosting.Tests.Infrastructure;
using FuncSync.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.Hosting.Tests.Queues;

public sealed class QueueTraceTests
{
    [Fact]
    public void Inject_JsonObject_TraceParentIsTheFirstPropertyAndExtractReadsIt()
    {
        using var activity = Sender();

        var message = QueueTrace.Inject("""{"sku":"A1","channel":"Etsy"}""", activity);

        Assert.Equal($$"""{"traceparent":"{{activity.Id}}","sku":"A1","channel":"Etsy"}""", message);
        var context = QueueTrace.Extract(message)!.Value;
        Assert.Equal(activity.TraceId, context.TraceId);
        Assert.Equal(activity.SpanId, context.SpanId);
        Assert.True(context.IsRemote);
    }

    [Fact]
    public void Inject_AlreadyCarriesATrace_ReplacedNotDuplicated()
    {
        using var activity = Sender();
        const string old = """{"traceparent":"00-11111111111111111111111111111111-2222222222222222-01","sku":"A1"}""";

        Assert.Equal($$"""{"traceparent":"{{activity.Id}}","sku":"A1"}""", QueueTrace.Inject(old, activity));
        Assert.Equal($$"""{"traceparent":"{{activity.Id}}"}""", QueueTrace.Inject("{ }", activity));
    }

    [Fact]
    public void Inject_NotAJsonObjectOrNoActivity_Unchanged()
    {
        using var activity = Sender();

        Assert.Equal("plain text", QueueTrace.Inject("plain text", activity));
        Assert.Equal("[1,2]", QueueTrace.Inject("[1,2]", activity));
        Assert.Equal("""{"sku":"A1"}""", QueueTrace.Inject("""{"sku":"A1"}""", null));
        Assert.Null(QueueTrace.Extract("""{"sku":"A1"}"""));
        Assert.Null(QueueTrace.Extract("""{"traceparent":"zz-not-a-trace-parent-but-as-long-as-one-is-in-chars-x","a":1}"""));
    }

    private static Activity Sender() => new Activity("send").SetIdFormat(ActivityIdFormat.W3C).Start();
}

[Collection(AzuriteTests.Name)]
public sealed class QueueTraceListenerTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task ProcessMessage_SentUnderAnActivity_InvocationIsItsChild()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is QueueTrace.SourceName or "test",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        using var source = new ActivitySource("test");
        var queueName = TestNames.Unique("trace");
        await using var host = TestHost.Create(azurite.ConnectionString, f => f.AddQueueFunction<RecordingQueueFunction>("Traced", queueName), new Dictionary<string, string?> { ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.500" });
        await host.StartAsync();

        using (var send = source.StartActivity("send"))
        {
            await host.Services.GetRequiredService<IQueueSender>().SendAsync(queueName, """{"sku":"A1"}""", CancellationToken.None);
        }

        var sent = Assert.Single(stopped, a => a.OperationName == "send");
        await Eventually.WaitAsync(() => stopped.Any(a => a.OperationName == "Traced" && a.TraceId == sent.TraceId), Timeout, "the invocation continues the trace");
        var invocation = stopped.Single(a => a.OperationName == "Traced" && a.TraceId == sent.TraceId);
        Assert.Equal(sent.SpanId, invocation.ParentSpanId);
        Assert.Equal(queueName, invocation.GetTagItem("messaging.destination.name"));
        Assert.EndsWith("\"sku\":\"A1\"}", Assert.Single(host.Probe.Messages).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProcessMessage_MovedToPoison_ObserverToldOnce()
    {
        var queueName = TestNames.Unique("watched");
        var observer = new RecordingObserver();
        await using var host = TestHost.Create(
            azurite.ConnectionString,
            f => f.AddQueueFunction<RecordingQueueFunction>("Watched", queueName),
            new Dictionary<string, string?> { ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.500" },
            services => services.AddSingleton<IPoisonMessageObserver>(observer),
            new Probe { Throw = true });
        await host.StartAsync();

        await host.Services.GetRequiredService<IQueueSender>().SendAsync(queueName, "doomed", CancellationToken.None);

        await Eventually.WaitAsync(() => !observer.Seen.IsEmpty, Timeout, "the observer hears of the poison message");
        var seen = Assert.Single(observer.Seen);
        Assert.Equal(queueName, seen.QueueName);
        Assert.Equal(queueName + "-poison", seen.PoisonQueueName);
        Assert.Equal(5, seen.DequeueCount);
        Assert.Equal("Watched", seen.FunctionName);
    }

    private sealed class RecordingObserver : IPoisonMessageObserver
    {
        public ConcurrentQueue<PoisonedMessage> Seen { get; } = new();

        public Task OnPoisonedAsync(PoisonedMessage message, CancellationToken cancellationToken)
        {
            Seen.Enqueue(message);
            return Task.CompletedTask;
        }
    }
}

using System.Text;
using Azure.Storage.Queues;
using FuncSync.Hosting.Functions;
using FuncSync.Hosting.Queues;
using FuncSync.Hosting.Tests.Infrastructure;
using FuncSync.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FuncSync.Hosting.Tests.Queues;

[Collection(AzuriteTests.Name)]
public sealed class QueueListenerTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    // Short polling keeps the retry loop quick; the watcher test below uses the real 1-minute default.
    private static readonly Dictionary<string, string?> FastPolling = new()
    {
        ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.500",
    };

    [Fact]
    public async Task ProcessMessage_HandlerSucceeds_DeletesMessage()
    {
        var queueName = TestNames.Unique("ok");
        await using var host = TestHost.Create(azurite.ConnectionString, f => f.AddQueueFunction<RecordingQueueFunction>("Ok", queueName), FastPolling);
        await host.StartAsync();

        await host.Services.GetRequiredService<IQueueSender>().SendAsync(queueName, """{"sku":"A1"}""", CancellationToken.None);

        await Eventually.WaitAsync(() => !host.Probe.Messages.IsEmpty, Timeout, "the function ran");
        var queue = azurite.Clients.Queue(queueName);
        await Eventually.WaitAsync(async () => (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, Timeout, "the message was deleted");
        var message = Assert.Single(host.Probe.Messages);
        Assert.Equal("""{"sku":"A1"}""", message.Body);
        Assert.Equal(1, message.DequeueCount);
        Assert.NotNull(message.InsertedOn);
        Assert.False(await azurite.Clients.Queue(queueName + "-poison").ExistsAsync());
    }

    [Fact]
    public async Task ProcessMessage_HandlerAlwaysThrows_InvokedFiveTimesThenMovedToPoison()
    {
        var queueName = TestNames.Unique("fail");
        var probe = new Probe { Throw = true };
        await using var host = TestHost.Create(
            azurite.ConnectionString, f => f.AddQueueFunction<RecordingQueueFunction>("Fail", queueName), FastPolling, probe: probe);
        await host.StartAsync();

        await host.Services.GetRequiredService<IQueueSender>().SendAsync(queueName, "doomed", CancellationToken.None);

        var poison = azurite.Clients.Queue(queueName + "-poison");
        await Eventually.WaitAsync(
            async () => await poison.ExistsAsync() && (await poison.PeekMessagesAsync(10)).Value.Length > 0, Timeout, "the message reached the poison queue");
        var poisoned = Assert.Single((await poison.PeekMessagesAsync(10)).Value);
        Assert.Equal("doomed", poisoned.Body.ToString());
        Assert.Equal([1L, 2L, 3L, 4L, 5L], host.Probe.Messages.Select(m => m.DequeueCount).Order());
        Assert.Equal(0, (await azurite.Clients.Queue(queueName).GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task ProcessMessage_DequeuedFiveTimesWithoutFailing_InvokedAndDeleted()
    {
        // Five receives whose processing was cut short (the process killed each time) are no verdict on the message:
        // the host would poison it unread, losing an order that never failed.
        var queueName = TestNames.Unique("killed");
        var queue = await QueueWithInterruptedMessageAsync(queueName, "interrupted-five-times", interruptions: 5);

        await using var host = TestHost.Create(azurite.ConnectionString, f => f.AddQueueFunction<RecordingQueueFunction>("Killed", queueName), FastPolling);
        await host.StartAsync();

        await Eventually.WaitAsync(() => !host.Probe.Messages.IsEmpty, Timeout, "the function ran");
        await Eventually.WaitAsync(async () => (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, Timeout, "the message was deleted");
        var message = Assert.Single(host.Probe.Messages);
        Assert.Equal(("interrupted-five-times", 6L), (message.Body, message.DequeueCount));
        Assert.False(await azurite.Clients.Queue(queueName + "-poison").ExistsAsync());
    }

    [Fact]
    public async Task ProcessMessage_InterruptedFourTimesThenFailsOnce_RetriedNotPoisoned()
    {
        var queueName = TestNames.Unique("flaky");
        var queue = await QueueWithInterruptedMessageAsync(queueName, "fails-on-its-fifth-dequeue", interruptions: 4);
        var probe = new Probe { ThrowTimes = 1 };

        await using var host = TestHost.Create(azurite.ConnectionString, f => f.AddQueueFunction<RecordingQueueFunction>("Flaky", queueName), FastPolling, probe: probe);
        await host.StartAsync();

        await Eventually.WaitAsync(() => host.Probe.Messages.Count == 2, Timeout, "the function failed once and ran again");
        await Eventually.WaitAsync(async () => (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, Timeout, "the message was deleted");
        Assert.Equal([5L, 6L], host.Probe.Messages.Select(m => m.DequeueCount).Order());
        Assert.False(await azurite.Clients.Queue(queueName + "-poison").ExistsAsync());

        // Done with, so its failure record is gone too.
        var failures = new QueueFailureLog(azurite.Clients);
        await Eventually.WaitAsync(async () => await failures.FailuresAsync(queueName, host.Probe.Messages.First().Id, CancellationToken.None) == 0, Timeout, "the failure record was removed");
    }

    [Fact]
    public async Task ProcessMessage_DequeuedFourTimesMaxWithoutFailing_MovedToPoisonWithoutInvoking()
    {
        // A message that takes the process down with it never records a failure; past four times the allowance it goes.
        var queueName = TestNames.Unique("crash");
        var queue = await QueueWithInterruptedMessageAsync(queueName, "crashes-the-host", interruptions: 20);

        await using var host = TestHost.Create(azurite.ConnectionString, f => f.AddQueueFunction<RecordingQueueFunction>("Crash", queueName), FastPolling);
        await host.StartAsync();

        var poison = azurite.Clients.Queue(queueName + "-poison");
        await Eventually.WaitAsync(
            async () => await poison.ExistsAsync() && (await poison.PeekMessagesAsync()).Value.Length > 0, Timeout, "the message reached the poison queue");
        Assert.Equal("crashes-the-host", Assert.Single((await poison.PeekMessagesAsync()).Value).Body.ToString());
        Assert.Empty(host.Probe.Messages);
        Assert.Equal(0, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    /// <summary>A queue holding one message that was received <paramref name="interruptions"/> times and handed back
    /// without a verdict, as each receive of a process killed mid-invocation leaves it.</summary>
    private async Task<QueueClient> QueueWithInterruptedMessageAsync(string queueName, string body, int interruptions)
    {
        var queue = azurite.Clients.Queue(queueName);
        await queue.CreateAsync();
        await queue.SendMessageAsync(body);
        for (var i = 0; i < interruptions; i++)
        {
            var received = (await queue.ReceiveMessageAsync(TimeSpan.FromSeconds(30))).Value;
            await queue.UpdateMessageAsync(received.MessageId, received.PopReceipt, (string?)null, TimeSpan.Zero);
        }

        return queue;
    }

    [Fact]
    public async Task SendAsync_AnyMessage_IsBase64OnTheWire()
    {
        var queueName = TestNames.Unique("wire");
        await using var host = TestHost.Create(azurite.ConnectionString, _ => { });

        await host.Services.GetRequiredService<IQueueSender>().SendAsync(queueName, "héllo {\"a\":1}", CancellationToken.None);

        var raw = new QueueClient(azurite.ConnectionString, queueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
        var peeked = Assert.Single((await raw.PeekMessagesAsync()).Value);
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes("héllo {\"a\":1}")), peeked.Body.ToString());
    }

    [Fact]
    public async Task SendAsync_ListenerIdleWithOneMinutePolling_WakesListenerImmediately()
    {
        var queueName = TestNames.Unique("wake");

        // Fake time never advances, so the listener's backoff never elapses: only the watcher can wake it.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var host = TestHost.Create(
            azurite.ConnectionString,
            f => f.AddQueueFunction<RecordingQueueFunction>("Wake", queueName),
            new Dictionary<string, string?> { ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:01:00" },
            s => s.AddSingleton<TimeProvider>(time));
        await host.StartAsync();
        var listener = Assert.Single(host.HostedServices<QueueListener>());
        await Eventually.WaitAsync(() => listener.EmptyPolls >= 1, Timeout, "the listener found the queue empty");
        await Task.Delay(TimeSpan.FromMilliseconds(300), TimeProvider.System);
        Assert.Equal(1, listener.EmptyPolls);

        await host.Services.GetRequiredService<IQueueSender>().SendAsync(queueName, "wake up", CancellationToken.None);

        await Eventually.WaitAsync(() => !host.Probe.Messages.IsEmpty, TimeSpan.FromSeconds(5), "the woken listener processed the message");
        Assert.Equal("wake up", Assert.Single(host.Probe.Messages).Body);
    }

    [Fact]
    public async Task ProcessMessage_HandlerOutlivesHalfTheVisibility_RenewsAndDeletesWithNewPopReceipt()
    {
        var queueName = TestNames.Unique("slow");
        var probe = new Probe { UseGate = true };

        // The renewal schedule runs on fake time and storage keeps the message hidden for a real 5 minutes, so nothing here
        // depends on how fast this machine is: a renewal happens exactly when the test moves the clock.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var options = new QueueListenerOptions { ReceiveVisibilityTimeout = TimeSpan.FromMinutes(5), MaxPollingInterval = TimeSpan.FromMinutes(1) };
        await using var host = TestHost.Create(
            azurite.ConnectionString,
            f => f.AddQueueFunction<RecordingQueueFunction>("Slow", queueName),
            services: s => s.AddSingleton(options).AddSingleton<TimeProvider>(time),
            probe: probe);
        await host.StartAsync();
        var listener = Assert.Single(host.HostedServices<QueueListener>());
        var queue = azurite.Clients.Queue(queueName);

        await host.Services.GetRequiredService<IQueueSender>().SendAsync(queueName, "long job", CancellationToken.None);
        await Eventually.WaitAsync(() => !probe.Messages.IsEmpty, Timeout, "the function started");
        Assert.Equal(0, listener.Renewals);

        // Two renewals, each at half the receive visibility: each one replaces the pop receipt.
        for (var expected = 1; expected <= 2; expected++)
        {
            var renewals = expected;
            await Eventually.WaitAsync(
                () =>
                {
                    time.Advance(TimeSpan.FromMinutes(2.5));
                    return listener.Renewals >= renewals;
                },
                Timeout,
                $"renewal {renewals} happened");
        }

        Assert.Equal(1, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        probe.Gate.SetResult();

        // A delete with the original, superseded pop receipt would fail and leave the message behind (hidden, but counted).
        await Eventually.WaitAsync(async () => (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, Timeout, "the message was deleted");
        Assert.Equal(1, Assert.Single(probe.Messages).DequeueCount);
    }

    [Fact]
    public async Task ProcessMessage_DefaultOptions_HiddenForAMinuteAndRenewedEveryHalfMinute()
    {
        var queueName = TestNames.Unique("minute");
        var probe = new Probe { UseGate = true };

        // The configured defaults, not a test's: a receive whose answer storage never delivered hides its messages,
        // unprocessed, for the receive visibility, so it must be short and the renewal must keep up with it.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var host = TestHost.Create(
            azurite.ConnectionString,
            f => f.AddQueueFunction<RecordingQueueFunction>("Minute", queueName),
            services: s => s.AddSingleton<TimeProvider>(time),
            probe: probe);
        await host.StartAsync();
        var listener = Assert.Single(host.HostedServices<QueueListener>());

        await host.Services.GetRequiredService<IQueueSender>().SendAsync(queueName, "job", CancellationToken.None);
        await Eventually.WaitAsync(() => !probe.Messages.IsEmpty, Timeout, "the function started");
        Assert.Equal(0, listener.Renewals);

        // The renewal's wait began before the function ran, so one half-minute step must fire it.
        time.Advance(TimeSpan.FromSeconds(30));
        await Eventually.WaitAsync(() => listener.Renewals >= 1, Timeout, "the running message was renewed half a minute after its receive");
        Assert.Equal(TimeSpan.FromMinutes(1), host.Services.GetRequiredService<QueueListenerOptions>().ReceiveVisibilityTimeout);

        probe.Gate.SetResult();
        var queue = azurite.Clients.Queue(queueName);
        await Eventually.WaitAsync(async () => (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, Timeout, "the message was deleted");
    }

    [Fact]
    public async Task AddQueueFunction_SettingReference_ResolvesQueueNameFromConfiguration()
    {
        var queueName = TestNames.Unique("ref");
        await using var host = TestHost.Create(
            azurite.ConnectionString,
            f => f.AddQueueFunction<RecordingQueueFunction>("Ref", "%OrdersQueue%"),
            new Dictionary<string, string?> { ["OrdersQueue"] = queueName });

        var listener = Assert.Single(host.HostedServices<QueueListener>());
        Assert.Equal(queueName, listener.QueueName);
        var metadata = Assert.Single(host.Services.GetRequiredService<IFunctionCatalog>().Functions);
        Assert.Equal(new QueueFunctionTrigger("%OrdersQueue%"), metadata.Trigger);
    }
}

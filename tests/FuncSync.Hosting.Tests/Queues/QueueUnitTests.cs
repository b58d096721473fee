using FuncSync.Hosting.Queues;
using FuncSync.Hosting.Timers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace FuncSync.Hosting.Tests.Queues;

public sealed class QueueUnitTests
{
    [Fact]
    public void Next_RepeatedWhileEmpty_GrowsToMaximumAndResets()
    {
        var backoff = new PollingBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(60));
        var delays = Enumerable.Range(0, 20).Select(_ => backoff.Next()).ToList();

        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(60)));
        Assert.InRange(delays[0], TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(120));
        Assert.InRange(delays[^1], TimeSpan.FromSeconds(48), TimeSpan.FromSeconds(60));
        backoff.Reset();
        Assert.InRange(backoff.Next(), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(120));
    }

    [Fact]
    public async Task WaitAsync_NotifiedBeforeWaiting_ReturnsAtOnce()
    {
        var watcher = new QueueWatcher();
        var time = new FakeTimeProvider();
        watcher.Notify("orders");

        Assert.True(await watcher.WaitAsync("orders", TimeSpan.FromMinutes(1), time, CancellationToken.None));
    }

    [Fact]
    public async Task WaitAsync_NotifiedWhileWaiting_ReturnsTrueWithoutTimePassing()
    {
        var watcher = new QueueWatcher();
        var time = new FakeTimeProvider();
        var waiting = watcher.WaitAsync("orders", TimeSpan.FromMinutes(1), time, CancellationToken.None);
        watcher.Notify("other");
        Assert.False(waiting.IsCompleted);

        watcher.Notify("orders");

        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(5), TimeProvider.System));
    }

    [Fact]
    public async Task WaitAsync_DelayElapses_ReturnsFalse()
    {
        var watcher = new QueueWatcher();
        var time = new FakeTimeProvider();
        var waiting = watcher.WaitAsync("orders", TimeSpan.FromSeconds(2), time, CancellationToken.None);

        time.Advance(TimeSpan.FromSeconds(2));

        Assert.False(await waiting.WaitAsync(TimeSpan.FromSeconds(5), TimeProvider.System));
    }

    [Fact]
    public void FromConfiguration_HostJsonAndOverride_OverrideWinsAndDefaultsApply()
    {
        var path = Path.Combine(Path.GetTempPath(), $"host-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """
            {
              // host.json allows comments
              "version": "2.0",
              "id": "inventory",
              "extensions": { "queues": { "batchSize": 8, "maxPollingInterval": "00:00:02", "maxDequeueCount": 3 } }
            }
            """);
        try
        {
            // Added before host.json, yet it wins: host.json is the lowest-priority source, as on the host.
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["AzureFunctionsJobHost:extensions:queues:maxDequeueCount"] = "7" })
                .AddFunctionsHostJson(path)
                .Build();

            var options = QueueListenerOptions.FromConfiguration(configuration);

            Assert.Equal(8, options.BatchSize);
            Assert.Equal(8 / 2 * Environment.ProcessorCount, options.NewBatchThreshold);
            Assert.Equal(TimeSpan.FromSeconds(2), options.MaxPollingInterval);
            Assert.Equal(7, options.MaxDequeueCount);
            Assert.Equal(TimeSpan.Zero, options.VisibilityTimeout);
            Assert.Equal("inventory", TimerListenerOptions.FromConfiguration(configuration).HostId);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void FromConfiguration_Empty_UsesHostDefaults()
    {
        var options = QueueListenerOptions.FromConfiguration(new ConfigurationBuilder().Build());

        Assert.Equal(16, options.BatchSize);
        Assert.Equal(TimeSpan.FromMinutes(1), options.MaxPollingInterval);
        Assert.Equal(5, options.MaxDequeueCount);
        // Not the host's 10 minutes: a receive lost while storage hangs hides its messages, unprocessed, this long.
        Assert.Equal(TimeSpan.FromMinutes(1), options.ReceiveVisibilityTimeout);
        Assert.Equal("funcsync", TimerListenerOptions.FromConfiguration(new ConfigurationBuilder().Build()).HostId);
    }

    [Fact]
    public void FromConfiguration_BatchSizeAbove32_Throws()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["AzureFunctionsJobHost:extensions:queues:batchSize"] = "64" })
            .Build();

        Assert.Throws<InvalidOperationException>(() => QueueListenerOptions.FromConfiguration(configuration));
    }
}

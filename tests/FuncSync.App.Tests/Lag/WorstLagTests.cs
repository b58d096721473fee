using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using FuncSync.Alerts;
using FuncSync.Channels;
using FuncSync.Domain;
using FuncSync.Hosting.Functions;
using FuncSync.Lag;
using FuncSync.Storage;
using FuncSync.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FuncSync.App.Tests.Lag;

/// <summary>The worst lag the allocation asks for on every push: read from storage once a minute per channel, whatever
/// the traffic, and at once when this instance measures a channel's first sale.</summary>
[Collection(AzuriteTests.Name)]
public sealed class WorstLagTests(AzuriteFixture azurite)
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task WorstLag_NoSaleMeasuredOnTheChannel_ReadOncePerMinute_UntilThisInstanceMeasuresOne()
    {
        var (recorder, lags, reads) = await StartAsync();

        Assert.Null(await lags.WorstLagAsync(Channel.Etsy, CancellationToken.None));
        Assert.Equal(2, reads.Count);

        // A burst of pushes asking about a channel nothing was sold on lately reads nothing more.
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => lags.WorstLagAsync(Channel.Etsy, CancellationToken.None).AsTask()));
        Assert.All(answers, a => Assert.Null(a));
        Assert.Equal(2, reads.Count);

        // The first sale measured here counts at the next push, not a minute later.
        recorder.Record(Channel.Etsy, Channel.Shopify, "etsy:1", TimeSpan.FromSeconds(3), _time.GetUtcNow());
        Assert.Equal(3, (await lags.WorstLagAsync(Channel.Etsy, CancellationToken.None))!.Value.TotalSeconds, 0.5);
        Assert.Equal(4, reads.Count);

        // A measured figure holds for the minute, later samples or not.
        recorder.Record(Channel.Etsy, Channel.Shopify, "etsy:2", TimeSpan.FromSeconds(40), _time.GetUtcNow());
        Assert.Equal(3, (await lags.WorstLagAsync(Channel.Etsy, CancellationToken.None))!.Value.TotalSeconds, 0.5);
        Assert.Equal(4, reads.Count);

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(40, (await lags.WorstLagAsync(Channel.Etsy, CancellationToken.None))!.Value.TotalSeconds, 2);
        Assert.Equal(6, reads.Count);
    }

    [Fact]
    public async Task WorstLag_ManyPushesAskAtOnceOnAColdCache_OneReadServesThemAll()
    {
        var (recorder, lags, reads) = await StartAsync();
        recorder.Record(Channel.Shopify, Channel.Etsy, "shopify:1", TimeSpan.FromSeconds(2), _time.GetUtcNow());
        await recorder.FlushAsync(CancellationToken.None);

        // Each window read flushes first; with nothing left to flush, only the two window queries go out.
        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => Task.Run(() => lags.WorstLagAsync(Channel.Shopify, CancellationToken.None).AsTask())));

        Assert.All(answers, a => Assert.Equal(2, a!.Value.TotalSeconds, 0.5));
        Assert.Equal(2, reads.Count);
    }

    private async Task<(LagRecorder Recorder, LagMeasurements Lags, ConcurrentReads Reads)> StartAsync()
    {
        var reads = new ConcurrentReads();
        var options = new TableClientOptions();
        options.AddPolicy(reads, HttpPipelinePosition.PerCall);
        var table = new TableClient(azurite.ConnectionString, "lag" + Guid.NewGuid().ToString("N")[..12], options);
        await table.CreateIfNotExistsAsync();
        reads.Count = 0;
        var recorder = new LagRecorder(table, new ShopPartition("shop"), _time);
        var lags = new LagMeasurements(recorder, Options.Create(new LagOptions()), new ChannelRegistry([]), new AlertSender(new NoQueues(), new StorageNames(""), _time), _time);
        return (recorder, lags, reads);
    }

    /// <summary>Counts the table's reads (queries): the figure the cache exists to keep down.</summary>
    private sealed class ConcurrentReads : HttpPipelineSynchronousPolicy
    {
        private int _count;

        public int Count
        {
            get => Volatile.Read(ref _count);
            set => Volatile.Write(ref _count, value);
        }

        public override void OnSendingRequest(HttpMessage message)
        {
            if (message.Request.Method == RequestMethod.Get)
            {
                Interlocked.Increment(ref _count);
            }
        }
    }

    private sealed class NoQueues : IQueueSender
    {
        public Task SendAsync(string queueName, string message, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

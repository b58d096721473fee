using System.Diagnostics;
using FuncSync.Catalog;
using FuncSync.Channels;
using FuncSync.Push;
using FuncSync.Telemetry;

namespace FuncSync.Ledger;

/// <summary>Turns committed outbox rows into pushes, then clears the rows: at once in this invocation after one
/// event's commit, or as <c>channel-push</c> messages for many rows (a batch of an import, what the sweeper finds).</summary>
public sealed class OutboxDispatcher(LedgerStore ledger, ChannelPushSender pushQueue, ListingPusher pusher, ILogger<OutboxDispatcher> logger)
{
    // One event's pushes run side by side: a SKU feeds a handful of listings, a bundle's parts a few more.
    private const int PushConcurrency = 8;

    /// <summary>Pushes one event's listings now, side by side, instead of a queue hop each (a send, a receive and a
    /// delete, and the polls around them: the hot path's largest cost in storage requests). A push that fails goes on
    /// the queue, where it is retried and, after the last try, poisoned like any other; the rows are removed only after
    /// every push ran or was queued, so a crash part-way leaves them for the sweeper.</summary>
    /// <param name="mappings">Mappings the caller has just read, by SKU; a push of another SKU reads its own.</param>
    public async Task PushNowAsync(IReadOnlyList<OutboxEntry> entries, IReadOnlyDictionary<string, SkuMapping> mappings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(mappings);

        // A channel that applies writes late waits for each read-back: queued, so it holds up nothing else.
        foreach (var entry in entries.Where(e => ChannelModules.Of(e.Channel).Capabilities.WritesApplyLate))
        {
            await pushQueue.SendAsync(new SyncListing(entry.Sku, entry.Channel), cancellationToken);
        }

        await Parallel.ForEachAsync(
            entries.Where(e => !ChannelModules.Of(e.Channel).Capabilities.WritesApplyLate),
            new ParallelOptions { MaxDegreeOfParallelism = PushConcurrency, CancellationToken = cancellationToken },
            async (entry, ct) =>
            {
                var command = new SyncListing(entry.Sku, entry.Channel);
                using var span = FuncSyncTelemetry.Source.StartActivity(PushChannelFunction.Name);
                span?.SetTag("faas.name", PushChannelFunction.Name);
                try
                {
                    await pusher.RunAsync(command, mappings.GetValueOrDefault(entry.Sku), ct);
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    span?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
                    logger.LogWarning("Push {Sku} to {Channel} failed ({Error}); queued for retry", entry.Sku, entry.Channel, ex.Message);
                    await pushQueue.SendAsync(command, ct);
                }
            });

        await ledger.CompleteOutboxAsync(entries, cancellationToken);
    }

    /// <summary>Queues a push for every row, then removes the rows together.</summary>
    public async Task QueueAsync(IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);

        // Every push queued first, then their rows removed together: a crash in between leaves rows whose pushes the
        // sweeper queues again, which costs a level-triggered push nothing but a read.
        foreach (var entry in entries)
        {
            await pushQueue.SendAsync(new SyncListing(entry.Sku, entry.Channel), cancellationToken);
        }

        await ledger.CompleteOutboxAsync(entries, cancellationToken);
    }
}

using System.Diagnostics;
using FuncSync.Catalog;
using FuncSync.Channels;
using FuncSync.Push;
using FuncSync.Telemetry;

namespace FuncSync.Ledger;

/// <summary>Turns committed outbox rows into pushes, then clears the rows: at once in this invocation after one
/// event's commit, or as <c>channel-push</c> messages for many rows (a batch of an import, what the sweeper finds).</summary>
public sealed class OutboxDispatcher(LedgerStore ledger, PushStore pushes, ChannelPushSender pushQueue, ListingPusher pusher, ILogger<OutboxDispatcher> logger)
{
    // One event's pushes run side by side: a SKU feeds a handful of listings, a bundle's parts a few more.
    private const int PushConcurrency = 8;

    /// <summary>Pushes one event's listings now, side by side, instead of a queue hop each (a send, a receive and a
    /// delete, and the polls around them: the hot path's largest cost in storage requests). A push that fails goes on
    /// the queue, where it is retried and, after the last try, poisoned like any other; the rows are removed only after
    /// every push ran or was queued, so a crash part-way leaves them for the sweeper.</summary>
    /// <param name="mappings">Mappings the caller has just read, by SKU; a push of another SKU reads its own.</param>
    /// <param name="committed">The stock rows the caller's transaction just committed.</param>
    public async Task PushNowAsync(IReadOnlyList<OutboxEntry> entries, IReadOnlyDictionary<string, SkuMapping> mappings, IReadOnlyList<StockRow> committed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(mappings);
        ArgumentNullException.ThrowIfNull(committed);

        // A channel that applies writes late waits for each read-back: queued, so it holds up nothing else.
        foreach (var entry in entries.Where(e => ChannelModules.Of(e.Channel).Capabilities.WritesApplyLate))
        {
            await pushQueue.SendAsync(new SyncListing(entry.Sku, entry.Channel), cancellationToken);
        }

        var now = entries.Where(e => !ChannelModules.Of(e.Channel).Capabilities.WritesApplyLate).ToList();
        var starts = Starts(now, mappings, committed, cancellationToken);
        await Parallel.ForEachAsync(
            now,
            new ParallelOptions { MaxDegreeOfParallelism = PushConcurrency, CancellationToken = cancellationToken },
            async (entry, ct) =>
            {
                var command = new SyncListing(entry.Sku, entry.Channel);
                using var span = FuncSyncTelemetry.Source.StartActivity(PushChannelFunction.Name);
                span?.SetTag("faas.name", PushChannelFunction.Name);
                try
                {
                    await pusher.RunAsync(command, await starts[entry.Sku], ct);
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

    /// <summary>Per SKU, what its pushes start from: the mapping the caller read and, for a plain SKU whose stock row the
    /// caller just committed, that row and every channel's push record of it, read once for all its channels (a query
    /// and a point read fewer per channel than each push reading its own).</summary>
    private Dictionary<string, Task<PushStart?>> Starts(
        IEnumerable<OutboxEntry> entries, IReadOnlyDictionary<string, SkuMapping> mappings, IReadOnlyList<StockRow> committed, CancellationToken cancellationToken)
    {
        var starts = new Dictionary<string, Task<PushStart?>>(StringComparer.Ordinal);
        foreach (var sku in entries.Select(e => e.Sku).Distinct(StringComparer.Ordinal))
        {
            starts[sku] = StartAsync(sku);
        }

        return starts;

        async Task<PushStart?> StartAsync(string sku)
        {
            if (mappings.GetValueOrDefault(sku) is not { } mapping)
            {
                return null;
            }

            if (mapping.IsComposed || committed.FirstOrDefault(r => string.Equals(r.Sku, sku, StringComparison.Ordinal)) is not { } row)
            {
                return new PushStart(mapping);
            }

            try
            {
                return new PushStart(mapping, await pushes.GetAllAsync(sku, cancellationToken), LedgerStore.Availability(mapping, _ => row));
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // Each push reads for itself, and fails or queues itself as it always has.
                logger.LogDebug(ex, "Reading the push records of {Sku} failed; each push reads its own", sku);
                return new PushStart(mapping);
            }
        }
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

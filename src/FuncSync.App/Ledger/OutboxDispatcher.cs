using FuncSync.Push;

namespace FuncSync.Ledger;

/// <summary>Turns committed outbox rows into <c>channel-push</c> messages, then clears the rows.
/// Called right after a ledger commit, and by the sweeper for rows a crash left behind.</summary>
public sealed class OutboxDispatcher(LedgerStore ledger, ChannelPushSender pushQueue)
{
    public async Task DispatchAsync(IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken)
    {
        // Every push queued first, then their rows removed together: a crash in between leaves rows whose pushes the
        // sweeper queues again, which costs a level-triggered push nothing but a read.
        foreach (var entry in entries)
        {
            await pushQueue.SendAsync(new SyncListing(entry.Sku, entry.Channel), cancellationToken);
        }

        await ledger.CompleteOutboxAsync(entries, cancellationToken);
    }
}

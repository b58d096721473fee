using FuncSync.Push;

namespace FuncSync.Ledger;

/// <summary>Turns committed outbox rows into <c>channel-push</c> messages, then clears the rows.
/// Called right after a ledger commit, and by the sweeper for rows a crash left behind.</summary>
public sealed class OutboxDispatcher(LedgerStore ledger, ChannelPushSender pushQueue)
{
    public async Task DispatchAsync(IEnumerable<OutboxEntry> entries, CancellationToken cancellationToken)
    {
        foreach (var entry in entries)
        {
            await pushQueue.SendAsync(new SyncListing(entry.Sku, entry.Channel), cancellationToken);
            await ledger.CompleteOutboxAsync(entry, cancellationToken);
        }
    }
}

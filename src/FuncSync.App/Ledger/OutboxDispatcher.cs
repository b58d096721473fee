using System.Text.Json;
using FuncSync.Hosting.Functions;
using FuncSync.Json;
using FuncSync.Push;
using FuncSync.Storage;

namespace FuncSync.Ledger;

/// <summary>Turns committed outbox rows into <c>channel-push</c> messages, then clears the rows.
/// Called right after a ledger commit, and by the sweeper for rows a crash left behind.</summary>
public sealed class OutboxDispatcher(LedgerStore ledger, IQueueSender queues, StorageNames names)
{
    public async Task DispatchAsync(IEnumerable<OutboxEntry> entries, CancellationToken cancellationToken)
    {
        foreach (var entry in entries)
        {
            var message = JsonSerializer.Serialize(new SyncListing(entry.Sku, entry.Channel), FuncSyncJson.Default.SyncListing);
            await queues.SendAsync(names.ChannelPushQueue, message, cancellationToken);
            await ledger.CompleteOutboxAsync(entry, cancellationToken);
        }
    }
}

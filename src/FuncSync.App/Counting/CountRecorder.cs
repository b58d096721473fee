using FuncSync.Catalog;
using FuncSync.Domain.Ledger;
using FuncSync.Ledger;

namespace FuncSync.Counting;

/// <summary>Keeps what each shelf count found. The count itself is a ledger event like any other; this reads the
/// event's own history entry back, where the ledger wrote the change the count made to on hand (counted − what it
/// expected at that moment, later shelf moves being in both), so the variance is the ledger's, not a second
/// calculation that could disagree with it.</summary>
public sealed class CountRecorder(LedgerStore ledger, CountStore store)
{
    // A count's entry is among the newest of its SKU; a sale or two may have landed on top of it meanwhile.
    private const int PagesToSearch = 4;

    /// <param name="counted">The number the seller counted.</param>
    /// <returns>The count's record; null when the ledger has no entry for it.</returns>
    public async Task<CountRecord?> RecordAsync(SkuMapping mapping, string eventId, int counted, string? round, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        if (await store.FindByEventAsync(eventId, cancellationToken) is { } recorded)
        {
            return recorded;
        }

        var entry = await FindEntryAsync(mapping.Sku, eventId, cancellationToken);
        if (entry is not { Kind: InventoryEventKind.Count })
        {
            return null;
        }

        // On hand becomes the number counted plus the shelf moves stamped after the count, which were in on hand
        // before too: the change is counted − expected at the moment of the count.
        var at = entry.OccurredAt;
        var record = new CountRecord(CountStore.NewId(at), mapping.Sku, at, Expected: counted - entry.Delta, Counted: counted, eventId, round, mapping.UnitCost);
        return await store.AddAsync(record, cancellationToken);
    }

    private async Task<HistoryEntry?> FindEntryAsync(string sku, string eventId, CancellationToken cancellationToken)
    {
        string? continuation = null;
        for (var page = 0; page < PagesToSearch; page++)
        {
            var entries = await ledger.GetHistoryAsync(sku, 50, continuation, cancellationToken);
            if (entries.Entries.FirstOrDefault(e => string.Equals(e.EventId, eventId, StringComparison.Ordinal)) is { } entry)
            {
                return entry;
            }

            continuation = entries.Continuation;
            if (continuation is null)
            {
                break;
            }
        }

        return null;
    }
}

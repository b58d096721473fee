using Azure;
using Azure.Data.Tables;
using FuncSync.Domain.Ledger;
using FuncSync.Storage;

namespace FuncSync.Ledger;

/// <summary>Many counts at once (an import's starting quantities): each one an event with its own id, committed the
/// way <see cref="ApplyAsync"/> commits one (stock row, dedupe row, audit row, outbox rows), but as many events to an
/// entity-group transaction as fit in its 100 rows.</summary>
public sealed partial class LedgerStore
{
    /// <returns>The counts this call applied, with their changes and committed outbox rows. A count whose event id
    /// is in the ledger already is left out, so applying the same counts twice changes nothing.</returns>
    public async Task<IReadOnlyList<CountApplied>> ApplyCountsAsync(IReadOnlyList<CountToApply> counts, CancellationToken cancellationToken)
    {
        if (counts.Any(c => c.Event.Kind != InventoryEventKind.Count || c.Event.Sku is null))
        {
            throw new ArgumentException("Only counts of named SKUs are applied together.", nameof(counts));
        }

        var applied = new List<CountApplied>(counts.Count);
        foreach (var group in Groups(counts))
        {
            applied.AddRange(await ApplyGroupAsync(group, cancellationToken));
        }

        return applied;
    }

    // Each count takes a stock row, an audit row, a dedupe row and an outbox row per listing it feeds.
    private static IEnumerable<List<CountToApply>> Groups(IReadOnlyList<CountToApply> counts)
    {
        var group = new List<CountToApply>();
        var rows = 0;
        foreach (var count in counts)
        {
            var size = 3 + count.PushTo.Count;
            if (rows + size > TableBatch.MaxActions && group.Count > 0)
            {
                yield return group;
                group = [];
                rows = 0;
            }

            group.Add(count);
            rows += size;
        }

        if (group.Count > 0)
        {
            yield return group;
        }
    }

    private async Task<IReadOnlyList<CountApplied>> ApplyGroupAsync(List<CountToApply> group, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var rows = await Task.WhenAll(group.Select(c => GetStockAsync(c.Event.Sku!, cancellationToken)));
            var now = time.GetUtcNow();
            var actions = new List<TableTransactionAction>(TableBatch.MaxActions);
            var planned = new List<(CountToApply Count, RowChange Change, List<OutboxEntry> Outbox, int OutboxStart)>(group.Count);
            var outboxKeys = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < group.Count; i++)
            {
                var received = group[i].Event;
                var change = new RowChange(rows[i], StockRules.Apply(rows[i].Level, received.Kind, received.Quantity, ReturnDisposition.Restock, received.OccurredAt, received.SoldAt), rows[i].Sales);
                actions.Add(new TableTransactionAction(TableTransactionActionType.Add, DedupeRow(TableKeys.Join(EventPrefix, received.EventId), received, now)));
                actions.Add(StockAction(change, null, received.EventId, now));
                actions.Add(new TableTransactionAction(TableTransactionActionType.Add, AuditRow(change, received, now)));
                // Two parts of one bundle both owe its listings a push: one outbox row serves both, since the push reads
                // the ledger when it runs, after the transaction committed both counts.
                var outbox = group[i].PushTo
                    .Select(t => new OutboxEntry(t.Sku, t.Channel, TableKeys.Join(OutboxPrefix, t.Sku, t.Channel.ToString()), default))
                    .Where(entry => outboxKeys.Add(entry.RowKey))
                    .ToList();
                planned.Add((group[i], change, outbox, actions.Count));
                actions.AddRange(outbox.Select(entry => new TableTransactionAction(TableTransactionActionType.UpsertReplace, OutboxRow(entry, now))));
            }

            try
            {
                var responses = await table.SubmitTransactionAsync(TableBatch.Validate(actions), cancellationToken);
                return planned.Select(p => new CountApplied(
                    p.Count,
                    new AppliedChange(p.Change.Row.Sku, p.Change.Change) { Sales = p.Change.Sales },
                    p.Outbox.Select((entry, j) => entry with { ETag = responses.Value[p.OutboxStart + j].Headers.ETag ?? default }).ToList())).ToList();
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // A dedupe row that exists fails the whole transaction: a run of these counts committed before (a
                // redelivered batch), or another event moved a stock row. Drop the applied ones and decide again.
                var done = await Task.WhenAll(group.Select(c => IsAppliedEventAsync(c.Event.EventId, cancellationToken)));
                group = group.Where((_, i) => !done[i]).ToList();
                if (group.Count == 0)
                {
                    return [];
                }

                if (attempt >= MaxAttempts)
                {
                    throw;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(50, 2 << Math.Min(attempt, 5))), time, cancellationToken);
            }
        }
    }
}

/// <param name="Event">A count of a named SKU, with an id of its own.</param>
/// <param name="PushTo">The listings whose quantity the count may change.</param>
public sealed record CountToApply(InventoryEventReceived Event, IReadOnlyCollection<PushTarget> PushTo);

/// <param name="Outbox">The outbox rows committed with the count, with their ETags.</param>
public sealed record CountApplied(CountToApply Count, AppliedChange Change, IReadOnlyList<OutboxEntry> Outbox);

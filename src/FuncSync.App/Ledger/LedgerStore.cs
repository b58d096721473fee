using System.Globalization;
using Azure;
using System.Text.Json;
using Azure.Data.Tables;
using FuncSync.Catalog;
using FuncSync.Domain;
using FuncSync.Domain.Forecasting;
using FuncSync.Domain.Ledger;
using FuncSync.Json;
using FuncSync.Storage;

namespace FuncSync.Ledger;

/// <summary>The master ledger in Table Storage. One event commits, in one entity-group transaction of
/// the shop's partition: every stock row it moves (each ETag-guarded), a dedupe row (so a replay is a
/// no-op), an audit row per stock row, and an outbox row per listing it must push to. Each stock row
/// also carries its decayed sales (<see cref="DecayedSales"/>), kept in the same write. A sale also
/// counts against the listing it came through (<see cref="SoldCounters"/>), in the same transaction,
/// so a push can tell a channel's sales the ledger has applied from those it has not.</summary>
public sealed partial class LedgerStore(TableClient table, ShopPartition shop, TimeProvider time, SalesDecay? decay = null)
{
    private readonly SalesDecay _decay = decay ?? SalesDecay.Default;

    // Contention on a hot SKU resolves in a few rounds; past this the queue's retry takes over.
    private const int MaxAttempts = 40;

    private const string StockPrefix = "stock";
    private const string EventPrefix = "event";
    private const string OutboxPrefix = "outbox";
    private const string AuditPrefix = "audit";
    private const string SoldPrefix = "sold";

    private const string UnitsColumn = "Units";
    private const string RestockedColumn = "Restocked";

    /// <param name="moves">The stock rows the event moves and by how many units each (a bundle moves its parts).</param>
    /// <param name="pushTo">The listings whose quantity this event may change.</param>
    public async Task<LedgerApplyResult> ApplyAsync(
        InventoryEventReceived received,
        IReadOnlyList<(string Sku, int Units)> moves,
        ReturnDisposition returns,
        IReadOnlyCollection<PushTarget> pushTo,
        CancellationToken cancellationToken,
        bool oversellable = true)
    {
        var dedupeKey = TableKeys.Join(EventPrefix, received.EventId);

        // Set when a restock that came first marked this sale as awaited: the sale replaces that row.
        var awaited = default(ETag);
        for (var attempt = 1; ; attempt++)
        {
            // No read of the dedupe row up front: the transaction adds it, so a replay fails the whole
            // transaction with a 409, and only then is the dedupe row looked at.
            var claim = received.RestockOf is { } saleId ? await RestockClaimAsync(saleId, received.Quantity, cancellationToken) : null;
            if (claim is { Granted: 0 })
            {
                return await IsAppliedAsync(dedupeKey, cancellationToken) ? LedgerApplyResult.Duplicate
                    : claim.Sale is null ? LedgerApplyResult.SaleNotApplied
                    : LedgerApplyResult.NothingToRestock(received.Quantity);
            }

            var granted = claim?.Granted ?? received.Quantity;
            var rows = await Task.WhenAll(moves.Select(m => GetStockAsync(m.Sku, cancellationToken)));
            var now = time.GetUtcNow();
            var changes = moves.Select((m, i) => new RowChange(rows[i], StockRules.Apply(rows[i].Level, received.Kind, Scaled(m.Units, granted, received.Quantity), returns, received.OccurredAt, received.SoldAt), SalesAfter(rows[i].Sales, received, Scaled(m.Units, granted, received.Quantity)))).ToList();
            var actions = new List<TableTransactionAction>(3 + (2 * changes.Count) + pushTo.Count)
            {
                awaited == default
                    ? new(TableTransactionActionType.Add, DedupeRow(dedupeKey, received, now))
                    : new(TableTransactionActionType.UpdateReplace, DedupeRow(dedupeKey, received, now), awaited),
            };
            if (claim is not null)
            {
                actions.Add(claim.Action(shop.Key));
            }

            if (received is { Kind: InventoryEventKind.Sale, Listing: { } soldOn })
            {
                // The channel's order for its monthly figures, counted by the transaction that applies it: once, and
                // with no storage operation of its own.
                var oversold = oversellable ? OrderLines.Oversold(received.Quantity, changes.Select((c, i) => (moves[i].Units, c.Change))) : 0;
                actions.Add(new TableTransactionAction(TableTransactionActionType.Add, OrderLines.Order(shop.Key, now, soldOn.Channel, received, oversold)));
            }
            else if (claim is { Sale: { } sale } && received.Listing is { } restockedOn)
            {
                actions.Add(new TableTransactionAction(TableTransactionActionType.Add, OrderLines.Restock(shop.Key, now, restockedOn.Channel, received, granted, sale, sale.GetInt32(UnitsColumn) ?? received.Quantity)));
            }

            var sold = SoldCounters.Sale(received);
            var written = new List<(int Action, TableEntity Row, HistoryEntry Entry)>(changes.Count);
            foreach (var change in changes)
            {
                var counted = sold is { } s && string.Equals(s.Sku, change.Row.Sku, StringComparison.Ordinal) ? s : null;
                var stock = StockEntity(change, counted, received.EventId, now);
                var entry = Entry(change, received, now);
                written.Add((actions.Count, stock, entry));
                actions.Add(StockAction(change.Row, stock));
                actions.Add(new TableTransactionAction(TableTransactionActionType.Add, AuditRow(change.Row.Sku, entry, received.EventId, now)));
            }

            if (sold is { } bundleSale && !changes.Any(c => string.Equals(c.Row.Sku, bundleSale.Sku, StringComparison.Ordinal)))
            {
                // A composed SKU has no stock row of its own: its listings' sales count on a row of their own.
                actions.Add(await SoldCounterActionAsync(bundleSale, cancellationToken));
            }

            var outboxStart = actions.Count;
            var outbox = pushTo.Select(t => new OutboxEntry(t.Sku, t.Channel, TableKeys.Join(OutboxPrefix, t.Sku, t.Channel.ToString()), default)).ToList();
            actions.AddRange(outbox.Select(entry => new TableTransactionAction(TableTransactionActionType.UpsertReplace, OutboxRow(entry, now))));

            try
            {
                var responses = await table.SubmitTransactionAsync(TableBatch.Validate(actions), cancellationToken);
                var committed = outbox.Select((entry, i) => entry with { ETag = responses.Value[outboxStart + i].Headers.ETag ?? default }).ToList();
                return new LedgerApplyResult(LedgerApplyOutcome.Applied, changes.Select(c => new AppliedChange(c.Row.Sku, c.Change) { Sales = c.Sales }).ToList(), committed)
                {
                    Refused = received.Quantity - granted,
                    RestocksAwait = awaited != default,

                    // The rows as stored, so the pushes that follow need not read them again.
                    Stock = written.Select(w => ToStockRow(w.Row.GetString("Sku"), w.Row) with { ETag = responses.Value[w.Action].Headers.ETag ?? default, LastChange = w.Entry }).ToList(),
                };
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                var dedupe = await ReadDedupeAsync(dedupeKey, cancellationToken);
                if (dedupe.HasValue && !IsAwaitedMark(dedupe.Value!))
                {
                    return LedgerApplyResult.Duplicate;
                }

                if (dedupe.HasValue && awaited == default)
                {
                    // A restock of this sale came first and waits for it: replace its mark, then replay the restock.
                    awaited = dedupe.Value!.ETag;
                    continue;
                }

                if (attempt >= MaxAttempts)
                {
                    throw;
                }

                // Another applier moved a stock row first (its ETag changed, or it created the row):
                // re-read and decide again. Never overwrite.
                var backoff = Math.Min(50, 2 << Math.Min(attempt, 5));
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, backoff)), time, cancellationToken);
            }
        }
    }

    /// <summary>Whether the ledger has applied the event with this id.</summary>
    public Task<bool> IsAppliedEventAsync(string eventId, CancellationToken cancellationToken) =>
        IsAppliedAsync(TableKeys.Join(EventPrefix, eventId), cancellationToken);

    private async Task<bool> IsAppliedAsync(string dedupeKey, CancellationToken cancellationToken) =>
        await ReadDedupeAsync(dedupeKey, cancellationToken) is { HasValue: true } row && !IsAwaitedMark(row.Value!);

    /// <summary>A dedupe row, with only what tells an applied event from a sale that restocks await.</summary>
    private Task<NullableResponse<TableEntity>> ReadDedupeAsync(string dedupeKey, CancellationToken cancellationToken) =>
        table.GetEntityIfExistsAsync<TableEntity>(shop.Key, dedupeKey, ["RowKey", AwaitedColumn], cancellationToken);

    /// <summary>How many of <paramref name="requested"/> units a restock may give back: what the sale took less
    /// what earlier cancellations and returns of it gave back. The sale's dedupe row keeps both figures, and the
    /// restock raises its count in the same transaction, guarded by the row's ETag, so two restocks of one sale
    /// never both take the same units. A sale the ledger has not applied grants nothing (its restocks wait for it).</summary>
    private async Task<RestockClaim> RestockClaimAsync(string saleEventId, int requested, CancellationToken cancellationToken)
    {
        var sale = await table.GetEntityIfExistsAsync<TableEntity>(shop.Key, TableKeys.Join(EventPrefix, saleEventId), cancellationToken: cancellationToken);
        if (!sale.HasValue || IsAwaitedMark(sale.Value!))
        {
            return new RestockClaim(null, 0, 0);
        }

        var row = sale.Value!;
        var restocked = row.GetInt32(RestockedColumn) ?? 0;

        // A sale applied before the ledger kept its units has no figure to hold the restock to: it is trusted.
        var remaining = row.GetInt32(UnitsColumn) is { } units ? Math.Max(0, units - restocked) : requested;
        return new RestockClaim(row, restocked, Math.Min(requested, remaining)) { Remaining = remaining };
    }

    /// <summary>Scales a move to the granted part of the event: a move is linear in the event's quantity
    /// (a plain SKU moves it, a composed one a fixed multiple per unit).</summary>
    private static int Scaled(int units, int granted, int requested) => granted == requested ? units : units / requested * granted;

    public async Task<StockRow> GetStockAsync(string sku, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(shop.Key, StockKey(sku), cancellationToken: cancellationToken);
        return row.HasValue ? ToStockRow(sku, row.Value!) : NoStock(sku);
    }

    private static StockRow ToStockRow(string sku, TableEntity entity) => new(
        sku,
        Level(entity),
        entity.GetInt64("Version") ?? 0,
        entity.GetDateTimeOffset("UpdatedAt"),
        entity.ETag)
    {
        Sales = new DecayedSales(entity.GetDouble("SalesScore") ?? 0, entity.GetDateTimeOffset("SalesAt"), entity.GetDateTimeOffset("SalesSince")),
        Sold = SoldCounters.Read(entity),
    };

    /// <summary>A row written before on hand and committed were kept reads as its available on hand and
    /// nothing committed; sales it applied until then took their units off on hand already, so lines sold
    /// before its last write are shipped and cancelled the old way (<see cref="StockLevel.CommittedSince"/>).</summary>
    private static StockLevel Level(TableEntity entity)
    {
        var pending = entity.GetInt32("PendingInspection") ?? 0;
        if (entity.GetInt32("OnHand") is not { } onHand)
        {
            return StockLevel.Migrated(entity.GetInt32("Available") ?? 0, pending, entity.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.MinValue);
        }

        var moves = entity.GetString("ShelfMoves") is { Length: > 0 } json
            ? JsonSerializer.Deserialize(json, FuncSyncJson.Default.OnHandMoveArray) ?? []
            : [];
        return new StockLevel(onHand, entity.GetInt32("Committed") ?? 0, pending)
        {
            CountedAt = entity.GetDateTimeOffset("CountedAt"),
            CommittedSince = entity.GetDateTimeOffset("CommittedSince"),
            Moves = [.. moves],
        };
    }

    /// <summary>What a SKU can sell now: its own stock row, or for a composed SKU the quantity its parts
    /// allow. The version grows with every change that can move the figure (for a composed SKU, the sum
    /// of its parts' versions), so a push can tell whether it has already shown this state.</summary>
    public async Task<SkuAvailability> GetAvailabilityAsync(SkuMapping mapping, CancellationToken cancellationToken)
    {
        if (!mapping.IsComposed)
        {
            var row = await GetStockAsync(mapping.Sku, cancellationToken);
            return Availability(mapping, _ => row);
        }

        // The sold counters first: a sale counted after the parts were read shows as unseen, never the reverse.
        var counters = await table.GetEntityIfExistsAsync<TableEntity>(shop.Key, TableKeys.Join(SoldPrefix, mapping.Sku), cancellationToken: cancellationToken);
        var parts = await Task.WhenAll(mapping.Parts.Select(c => c.Sku).Distinct(StringComparer.Ordinal).Select(sku => GetStockAsync(sku, cancellationToken)));
        var bySku = parts.ToDictionary(p => p.Sku, StringComparer.Ordinal);
        return Availability(mapping, sku => bySku[sku]) with
        {
            Sold = counters.HasValue ? SoldCounters.Read(counters.Value!) : SoldCounters.None,
        };
    }

    /// <summary>What <paramref name="mapping"/> can sell, from stock rows already read (one point read per
    /// SKU above, one partition query for a list).</summary>
    public static SkuAvailability Availability(SkuMapping mapping, Func<string, StockRow> stockOf)
    {
        if (!mapping.IsComposed)
        {
            // Made to order with no materials listed: the seller's chosen figure, whatever has sold.
            var row = stockOf(mapping.Sku);
            return new SkuAvailability(mapping.MadeToOrder ?? row.Level.Available, row.Version, row.UpdatedAt) { Sold = row.Sold, OnHand = row.Level.OnHand, Committed = row.Level.Committed, LastChange = row.LastChange };
        }

        // A composed SKU's sold counters sit on a row of their own, which GetAvailabilityAsync reads;
        // a list shows availability only.
        var parts = mapping.Parts.Select(c => c.Sku).Distinct(StringComparer.Ordinal).Select(stockOf).ToList();
        var bySku = parts.ToDictionary(p => p.Sku, StringComparer.Ordinal);
        var fromParts = Composition.Available(mapping.Parts, sku => bySku[sku].Level.Available);
        return new SkuAvailability(
            mapping.MadeToOrder is { } shown ? Math.Min(shown, fromParts) : fromParts,
            parts.Sum(p => p.Version),
            parts.Max(p => p.UpdatedAt));
    }

    /// <summary>Every stock row of the shop, in one range query of its partition.</summary>
    public async Task<IReadOnlyDictionary<string, StockRow>> ListStockAsync(CancellationToken cancellationToken)
    {
        var from = StockPrefix + TableKeys.Separator;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {shop.Key} and RowKey ge {from} and RowKey lt {TableKeys.PrefixEnd(from)}");
        var rows = new Dictionary<string, StockRow>(StringComparer.Ordinal);
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            var row = ToStockRow(entity.GetString("Sku"), entity);
            rows[row.Sku] = row;
        }

        return rows;
    }

    /// <summary>A SKU nobody has counted or sold yet: no stock row, zero.</summary>
    public static StockRow NoStock(string sku) => new(sku, default, 0, null, default);

    /// <summary>A stock row's changes, newest first, a page at a time.</summary>
    public async Task<HistoryPage> GetHistoryAsync(string sku, int pageSize, string? continuation, CancellationToken cancellationToken)
    {
        var from = TableKeys.Join(AuditPrefix, sku) + TableKeys.Separator;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {shop.Key} and RowKey ge {from} and RowKey lt {TableKeys.PrefixEnd(from)}");
        await foreach (var page in table.QueryAsync<TableEntity>(filter, pageSize, cancellationToken: cancellationToken).AsPages(continuation, pageSize))
        {
            return new HistoryPage(page.Values.Select(ToHistoryEntry).ToList(), page.ContinuationToken);
        }

        return new HistoryPage([], null);
    }

    /// <summary>The sales that compete for an oversold stock row's last units: walking back from the
    /// newest change, every sale while the row was at or below zero, and the sale that took the last unit.</summary>
    public async Task<IReadOnlyList<HistoryEntry>> CompetingSalesAsync(string sku, CancellationToken cancellationToken)
    {
        var sales = new List<HistoryEntry>();
        string? continuation = null;
        do
        {
            var page = await GetHistoryAsync(sku, 50, continuation, cancellationToken);
            foreach (var entry in page.Entries)
            {
                if (entry.Kind == InventoryEventKind.Sale)
                {
                    sales.Add(entry);
                    if (entry.Before > 0)
                    {
                        return sales;
                    }
                }
                else if (entry.After > 0)
                {
                    return sales;
                }
            }

            continuation = page.Continuation;
        }
        while (continuation is not null && sales.Count < 50);

        return sales;
    }

    /// <summary>Channel sales the ledger applied per month and channel, from <paramref name="fromMonth"/> on: one range
    /// query of the order rows, keys only.</summary>
    public async Task<IReadOnlyDictionary<(string Month, Channel Channel), long>> CountOrdersAsync(string fromMonth, CancellationToken cancellationToken)
    {
        var from = TableKeys.Join(OrderLines.OrderPrefix, fromMonth);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {shop.Key} and RowKey ge {from} and RowKey lt {TableKeys.PrefixEnd(OrderLines.OrderPrefix + TableKeys.Separator)}");
        var counts = new Dictionary<(string, Channel), long>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            var parts = row.RowKey.Split(TableKeys.Separator);
            if (parts.Length == 4 && Enum.TryParse<Channel>(parts[2], out var channel))
            {
                counts[(parts[1], channel)] = counts.GetValueOrDefault((parts[1], channel)) + 1;
            }
        }

        return counts;
    }

    /// <summary>Outbox rows older than <paramref name="olderThan"/>: pushes whose enqueue a crash may have lost.</summary>
    public async Task<IReadOnlyList<OutboxEntry>> ListOutboxAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        var from = OutboxPrefix + TableKeys.Separator;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {shop.Key} and RowKey ge {from} and RowKey lt {TableKeys.PrefixEnd(from)} and CreatedAt lt {olderThan}");
        var entries = new List<OutboxEntry>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            entries.Add(new OutboxEntry(row.GetString("Sku"), Enum.Parse<Channel>(row.GetString("Channel")), row.RowKey, row.ETag));
        }

        return entries;
    }

    /// <summary>Removes outbox rows once their pushes are on the queue, in one transaction (they share the shop's
    /// partition). ETag-conditional: if a newer event rewrote a row meanwhile, that event still owes its own push and the
    /// row stays; then the transaction fails whole and each row is removed on its own.</summary>
    public async Task CompleteOutboxAsync(IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var chunk in entries.Chunk(TableBatch.MaxActions))
        {
            if (chunk.Length > 1)
            {
                try
                {
                    await table.SubmitTransactionAsync(
                        chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(shop.Key, e.RowKey) { ETag = e.ETag }, e.ETag)),
                        cancellationToken);
                    continue;
                }
                catch (RequestFailedException ex) when (ex.Status is 404 or 412)
                {
                    // One of them is gone or rewritten: the others still go, one by one.
                }
            }

            foreach (var entry in chunk)
            {
                await CompleteOutboxAsync(entry, cancellationToken);
            }
        }
    }

    private async Task CompleteOutboxAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(shop.Key, entry.RowKey, entry.ETag, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            // Gone already, or owned by a newer event.
        }
    }

    private static string StockKey(string sku) => TableKeys.Join(StockPrefix, sku);

    /// <summary>Velocity follows demand: a sale adds its units when it happened, a cancellation takes them back.</summary>
    private DecayedSales SalesAfter(DecayedSales sales, InventoryEventReceived received, int units) => received.Kind switch
    {
        InventoryEventKind.Sale => sales.Record(units, received.OccurredAt, _decay),
        InventoryEventKind.Cancellation => sales.Record(-units, received.OccurredAt, _decay),
        _ => sales,
    };

    private static HistoryEntry ToHistoryEntry(TableEntity row) =>
        JsonSerializer.Deserialize(row.GetString("Entry"), FuncSyncJson.Default.HistoryEntry)
            ?? throw new InvalidDataException($"Audit row {row.RowKey} has no entry.");

    private TableTransactionAction StockAction(RowChange change, ChannelSale? sold, string eventId, DateTimeOffset now) =>
        StockAction(change.Row, StockEntity(change, sold, eventId, now));

    // A new SKU is an Add, so two first events race on a 409 instead of one overwriting the other.
    private static TableTransactionAction StockAction(StockRow before, TableEntity row) =>
        before.ETag == default
            ? new TableTransactionAction(TableTransactionActionType.Add, row)
            : new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, before.ETag);

    private TableEntity StockEntity(RowChange change, ChannelSale? sold, string eventId, DateTimeOffset now)
    {
        var row = new TableEntity(shop.Key, StockKey(change.Row.Sku))
        {
            ["Sku"] = change.Row.Sku,
            ["OnHand"] = change.Change.After.OnHand,
            ["Committed"] = change.Change.After.Committed,

            // Kept beside the two it follows from, for readers that filter or list by it.
            ["Available"] = change.Change.After.Available,
            ["PendingInspection"] = change.Change.After.PendingInspection,
            ["CountedAt"] = change.Change.After.CountedAt,
            ["CommittedSince"] = change.Change.After.CommittedSince,
            ["ShelfMoves"] = change.Change.After.Moves.IsDefaultOrEmpty ? null : JsonSerializer.Serialize(change.Change.After.Moves.ToArray(), FuncSyncJson.Default.OnHandMoveArray),
            ["Version"] = change.Row.Version + 1,
            ["LastEventId"] = eventId,
            ["UpdatedAt"] = now,
            ["SalesScore"] = change.Sales.Score,
            ["SalesAt"] = change.Sales.At,
            ["SalesSince"] = change.Sales.Since,
        };
        SoldCounters.Write(row, change.Row.Sold, sold);
        return row;
    }

    /// <summary>The sold SKU's counter row, ETag-guarded like a stock row so two sales never count once.</summary>
    private async Task<TableTransactionAction> SoldCounterActionAsync(ChannelSale sale, CancellationToken cancellationToken)
    {
        var key = TableKeys.Join(SoldPrefix, sale.Sku);
        var existing = await table.GetEntityIfExistsAsync<TableEntity>(shop.Key, key, cancellationToken: cancellationToken);
        var row = new TableEntity(shop.Key, key) { ["Sku"] = sale.Sku };
        SoldCounters.Write(row, existing.HasValue ? SoldCounters.Read(existing.Value!) : SoldCounters.None, sale);
        return existing.HasValue
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, existing.Value!.ETag)
            : new TableTransactionAction(TableTransactionActionType.Add, row);
    }

    // The dedupe row only has to exist; what the event did is in the audit rows. A sale's also keeps its
    // units, the most its cancellations and returns may give back, and what the buyer paid for them.
    private TableEntity DedupeRow(string key, InventoryEventReceived received, DateTimeOffset now)
    {
        var row = new TableEntity(shop.Key, key) { ["AppliedAt"] = now };
        if (received.Kind == InventoryEventKind.Sale)
        {
            row[UnitsColumn] = received.Quantity;
            OrderLines.WritePrice(row, received.LineTotal);
        }

        return row;
    }

    private TableEntity OutboxRow(OutboxEntry entry, DateTimeOffset now) => new(shop.Key, entry.RowKey)
    {
        ["Sku"] = entry.Sku,
        ["Channel"] = entry.Channel.ToString(),
        ["CreatedAt"] = now,
    };

    private TableEntity AuditRow(RowChange change, InventoryEventReceived received, DateTimeOffset now) =>
        AuditRow(change.Row.Sku, Entry(change, received, now), received.EventId, now);

    private static HistoryEntry Entry(RowChange change, InventoryEventReceived received, DateTimeOffset now) =>
        new(
            now,
            received.EventId,
            received.Kind,
            received.Source,
            received.Listing?.Channel,
            received.Listing?.Key,
            string.Equals(received.Sku, change.Row.Sku, StringComparison.Ordinal) ? null : received.Sku,
            received.Reference,
            received.Reason,
            change.Change.Delta,
            change.Change.Before.Available,
            change.Change.After.Available,
            change.Change.After.PendingInspection,
            received.OccurredAt,
            received.ReceivedAt)
        {
            OnHand = change.Change.After.OnHand,
            Committed = change.Change.After.Committed,
        };

    private TableEntity AuditRow(string sku, HistoryEntry entry, string eventId, DateTimeOffset now)
    {
        // Inverted ticks sort the newest change first within the SKU's history. The entry is one JSON
        // property: history is only ever read whole, by key range, and one property is cheaper to
        // write than sixteen.
        var inverted = (DateTimeOffset.MaxValue.UtcTicks - now.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);
        return new TableEntity(shop.Key, TableKeys.Join(AuditPrefix, sku, inverted, eventId))
        {
            ["Entry"] = JsonSerializer.Serialize(entry, FuncSyncJson.Default.HistoryEntry),
        };
    }

    private sealed record RowChange(StockRow Row, StockChange Change, DecayedSales Sales);

    /// <param name="Sale">The sale's dedupe row as read, or null when the ledger never applied the sale.</param>
    /// <param name="Granted">Units this restock may give back now.</param>
    private sealed record RestockClaim(TableEntity? Sale, int Restocked, int Granted)
    {
        /// <summary>Units of the sale not yet given back.</summary>
        public int Remaining { get; init; }

        public TableTransactionAction Action(string partition) => new(
            TableTransactionActionType.UpdateMerge,
            new TableEntity(partition, Sale!.RowKey) { [RestockedColumn] = Restocked + Granted },
            Sale.ETag);
    }
}

public enum LedgerApplyOutcome
{
    Applied,
    Duplicate,

    /// <summary>A restock whose sale's units are all back already: nothing moved.</summary>
    NothingToRestock,

    /// <summary>A restock of a sale the ledger has not applied (yet: it may still be on its way): nothing moved.</summary>
    SaleNotApplied,
}

/// <param name="Changes">Each stock row the event moved.</param>
/// <param name="Outbox">The outbox rows this event committed, with their ETags.</param>
public sealed record LedgerApplyResult(LedgerApplyOutcome Outcome, IReadOnlyList<AppliedChange> Changes, IReadOnlyList<OutboxEntry> Outbox)
{
    public static LedgerApplyResult Duplicate { get; } = new(LedgerApplyOutcome.Duplicate, [], []);

    /// <summary>Units of a restock the ledger did not give back: more than the sale it names took, less what earlier
    /// restocks of it gave back.</summary>
    public int Refused { get; init; }

    public static LedgerApplyResult SaleNotApplied { get; } = new(LedgerApplyOutcome.SaleNotApplied, [], []);

    public static LedgerApplyResult NothingToRestock(int requested) => new(LedgerApplyOutcome.NothingToRestock, [], []) { Refused = requested };

    /// <summary>A cancellation or return of this sale came first and is held until it lands
    /// (<see cref="LedgerStore.MarkSaleAwaitedAsync"/>): replay the holds now.</summary>
    public bool RestocksAwait { get; init; }

    /// <summary>Each stock row the event moved, as committed (its new version, counters and ETag).</summary>
    public IReadOnlyList<StockRow> Stock { get; init; } = [];
}

public sealed record AppliedChange(string Sku, StockChange Change)
{
    /// <summary>The row's decayed sales after this change.</summary>
    public DecayedSales Sales { get; init; }
}

public sealed record PushTarget(string Sku, Channel Channel);

public sealed record OutboxEntry(string Sku, Channel Channel, string RowKey, ETag ETag);

public sealed record StockRow(string Sku, StockLevel Level, long Version, DateTimeOffset? UpdatedAt, ETag ETag)
{
    public DecayedSales Sales { get; init; }

    /// <summary>Per channel, the units of this SKU sold through its listing there that the ledger has applied.</summary>
    public IReadOnlyDictionary<Channel, long> Sold { get; init; } = SoldCounters.None;

    /// <summary>The change that brought the row to <see cref="Version"/>, when this process committed it just now;
    /// null for a row read from storage.</summary>
    public HistoryEntry? LastChange { get; init; }
}

/// <param name="Available">What the SKU can sell now.</param>
public sealed record SkuAvailability(int Available, long Version, DateTimeOffset? UpdatedAt)
{
    /// <summary>On the shelf, packed units included; null for a composed SKU, which has no shelf of its own.</summary>
    public int? OnHand { get; init; }

    /// <summary>Sold and not shipped; null for a composed SKU.</summary>
    public int? Committed { get; init; }

    /// <summary>Per channel, the units sold through the SKU's listing there that the ledger has
    /// applied, read before <see cref="Available"/>.</summary>
    public IReadOnlyDictionary<Channel, long> Sold { get; init; } = SoldCounters.None;

    public long SoldOn(Channel channel) => Sold.GetValueOrDefault(channel);

    /// <summary>The change that brought a plain SKU's row to <see cref="Version"/>, when the ledger just committed it
    /// in this process (<see cref="StockRow.LastChange"/>); otherwise null.</summary>
    public HistoryEntry? LastChange { get; init; }
}

public sealed record HistoryPage(IReadOnlyList<HistoryEntry> Entries, string? Continuation);

/// <summary>One change of one stock row, as the history shows it.</summary>
/// <param name="SoldSku">The SKU the event named, when it differs from the row (a bundle sold moves its parts).</param>
public sealed record HistoryEntry(
    DateTimeOffset CommittedAt,
    string EventId,
    InventoryEventKind Kind,
    string Source,
    Channel? Channel,
    string? Listing,
    string? SoldSku,
    string? Reference,
    string? Reason,
    int Delta,
    int Before,
    int After,
    int PendingInspection,
    DateTimeOffset OccurredAt,
    DateTimeOffset ReceivedAt)
{
    /// <summary>On hand after the change; null in entries written before it was kept.</summary>
    public int? OnHand { get; init; }

    /// <summary>Committed after the change; null in entries written before it was kept.</summary>
    public int? Committed { get; init; }
}

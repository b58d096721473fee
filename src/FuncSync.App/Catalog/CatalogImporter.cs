using FuncSync.Channels;
using FuncSync.Domain.Ledger;
using FuncSync.Forecasting;
using FuncSync.Ledger;

namespace FuncSync.Catalog;

/// <summary>Loads SKU map rows in batches: each batch maps its SKUs and counts their starting quantities in
/// entity-group transactions of many rows, replays the sales parked for its listings, and queues the pushes its counts
/// owe. A starting quantity is a count event with an id of its own (<c>import:{id}:{sku}</c>), audited and pushed like
/// every other change, so applying a batch twice changes nothing. The background import job, an edit and the demo
/// all load rows through here.</summary>
public sealed class CatalogImporter(
    SkuMapStore map,
    LedgerStore ledger,
    OutboxDispatcher outbox,
    UnmappedEventStore unmapped,
    InventoryEventSender inventoryEvents,
    LowStockMonitor lowStock,
    ChannelRegistry channels,
    TimeProvider time,
    ILogger<CatalogImporter> logger)
{
    /// <summary>SKUs a batch: its map rows and counts take a few transactions, and a job records its progress after each.</summary>
    public const int BatchSize = 100;

    // Pushes of one batch go on the queue side by side, in chunks whose outbox rows are then removed in one transaction
    // each: one send at a time, a batch's 200 pushes took longer than its writes.
    private const int DispatchParallelism = 8;
    private const int DispatchChunk = 25;

    /// <summary>The order rows are applied in, cut into batches; the same rows always give the same batches, so a job
    /// resumes by batch number. Composed SKUs come first, one small batch at a time: mapping one marks its parts as used
    /// by it, so the counts of those parts, later, push the composed SKU's listings too. The rest follow in key order,
    /// so each batch's map rows are one range of the table.</summary>
    public static IReadOnlyList<IReadOnlyList<SkuMapRow>> Batches(IReadOnlyList<SkuMapRow> rows)
    {
        var composed = rows.Where(r => r.Mapping.IsComposed).OrderBy(r => r.Mapping.Sku, StringComparer.Ordinal);
        var plain = rows.Where(r => !r.Mapping.IsComposed).OrderBy(r => r.Mapping.Sku, StringComparer.Ordinal);
        return [.. composed.Chunk(BatchSize), .. plain.Chunk(BatchSize)];
    }

    /// <summary>Every listing the rows map: none of them is dropped as stale by another row of the same import.</summary>
    public static IReadOnlySet<ListingRef> Claimed(IEnumerable<SkuMapRow> rows) => rows.SelectMany(r => r.Mapping.Listings).ToHashSet();

    /// <summary>All rows, batch after batch, now (an edit, the demo).</summary>
    /// <param name="importId">Names this import: the same id imported twice counts once.</param>
    public async Task ImportAsync(IReadOnlyList<SkuMapRow> rows, string importId, string source, CancellationToken cancellationToken)
    {
        var claimed = Claimed(rows);
        foreach (var batch in Batches(rows))
        {
            await ApplyBatchAsync(batch, claimed, importId, source, cancellationToken);
        }
    }

    /// <summary>One batch of <see cref="Batches"/>. Every step is idempotent: the map rows are replaced by themselves,
    /// parked events carry their own event ids, and counts already in the ledger are left out.</summary>
    public async Task ApplyBatchAsync(IReadOnlyList<SkuMapRow> batch, IReadOnlySet<ListingRef> claimed, string importId, string source, CancellationToken cancellationToken)
    {
        foreach (var row in batch.Where(r => r.Mapping.IsComposed))
        {
            await map.UpsertAsync(row.Mapping, cancellationToken);
        }

        var usedBy = await map.UpsertBatchAsync([.. batch.Where(r => !r.Mapping.IsComposed).Select(r => r.Mapping)], claimed, cancellationToken);
        await ReplayParkedAsync(batch, cancellationToken);

        var now = time.GetUtcNow();
        var parents = new Dictionary<string, SkuMapping?>(StringComparer.Ordinal);
        var counts = new List<CountToApply>();
        foreach (var row in batch.Where(r => r.Quantity is not null))
        {
            var counted = new InventoryEventReceived(
                EventId: $"import:{importId}:{row.Mapping.Sku}",
                Kind: InventoryEventKind.Count,
                Source: source,
                Listing: null,
                Sku: row.Mapping.Sku,
                Quantity: row.Quantity!.Value,
                OccurredAt: now,
                ReceivedAt: now,
                Reference: $"import {importId}");
            counts.Add(new CountToApply(counted, await PushTargetsAsync(row.Mapping, usedBy.GetValueOrDefault(row.Mapping.Sku) ?? [], parents, cancellationToken)));
        }

        var applied = await ledger.ApplyCountsAsync(counts, cancellationToken);
        await Parallel.ForEachAsync(
            applied.SelectMany(a => a.Outbox).Chunk(DispatchChunk),
            new ParallelOptions { MaxDegreeOfParallelism = DispatchParallelism, CancellationToken = cancellationToken },
            async (entries, ct) => await outbox.QueueAsync(entries, ct));

        var mappings = batch.ToDictionary(r => r.Mapping.Sku, r => r.Mapping, StringComparer.Ordinal);
        foreach (var count in applied)
        {
            await lowStock.CheckAsync(mappings[count.Change.Sku], [count.Change], cancellationToken);
        }

        logger.LogInformation(
            "Import {ImportId}: mapped {Rows} SKUs, counted {Counted} ({Skipped} counted before), {Pushes} pushes queued",
            importId, batch.Count, applied.Count, counts.Count - applied.Count, applied.Sum(a => a.Outbox.Count));
    }

    /// <summary>The counted SKU's own listings on the enabled channels, and those of the composed SKUs made of it.</summary>
    private async Task<IReadOnlyCollection<PushTarget>> PushTargetsAsync(SkuMapping counted, IReadOnlyList<string> usedBy, Dictionary<string, SkuMapping?> parents, CancellationToken cancellationToken)
    {
        var targets = counted.Channels.Where(channels.IsEnabled).Select(c => new PushTarget(counted.Sku, c)).ToHashSet();
        foreach (var parent in usedBy)
        {
            if (!parents.TryGetValue(parent, out var mapping))
            {
                mapping = parents[parent] = await map.GetAsync(parent, cancellationToken);
            }

            targets.UnionWith(mapping?.Channels.Select(c => new PushTarget(parent, c)) ?? []);
        }

        return targets;
    }

    /// <summary>Sales that arrived before their listing was mapped go back on the queue; their event ids keep the
    /// replay idempotent. Queued before released: a crash in between queues one again, and its dedupe row makes that a no-op.</summary>
    private async Task ReplayParkedAsync(IReadOnlyList<SkuMapRow> batch, CancellationToken cancellationToken)
    {
        var listings = batch.SelectMany(r => r.Mapping.Listings).ToHashSet();
        foreach (var (listing, parked) in await unmapped.ListAllAsync(cancellationToken))
        {
            if (listings.Contains(listing))
            {
                await inventoryEvents.ResendAsync(parked.Event, cancellationToken);
                await unmapped.ReleaseAsync(parked, cancellationToken);
                logger.LogInformation("Replayed an event parked for {Channel} listing {Listing}", listing.Channel, listing.Key);
            }
        }
    }
}

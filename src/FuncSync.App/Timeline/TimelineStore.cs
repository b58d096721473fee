using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using FuncSync.Domain;
using FuncSync.Json;
using FuncSync.Storage;

namespace FuncSync.Timeline;

/// <summary>The steps of a SKU's changes that the ledger's own audit rows do not hold: push attempts, acceptances and
/// failures, read-backs and reconciliations. One row per step, keyed by SKU and inverted time, so a SKU's newest steps
/// are one bounded range read.</summary>
public sealed class TimelineStore(TableClient table, ShopPartition shop)
{
    private const int MaxBatch = 100;

    // Rows are written with upserts: each has a key of its own, so nothing is ever replaced, but when a request lands and
    // its answer is lost (storage hung, then came back) the SDK's retry of an insert would fail with 409 and fail the push.
    public Task AppendAsync(string sku, TimelineEntry entry, CancellationToken cancellationToken) =>
        table.UpsertEntityAsync(Row(sku, entry), TableUpdateMode.Replace, cancellationToken);

    /// <summary>Appends many steps in entity-group transactions of up to 100 (all rows share the shop's partition).</summary>
    public async Task AppendManyAsync(IEnumerable<(string Sku, TimelineEntry Entry)> entries, CancellationToken cancellationToken)
    {
        foreach (var chunk in entries.Chunk(MaxBatch))
        {
            var actions = chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, Row(e.Sku, e.Entry))).ToList();
            await table.SubmitTransactionAsync(TableBatch.Validate(actions), cancellationToken);
        }
    }

    /// <summary>The SKU's newest <paramref name="limit"/> steps, newest first.</summary>
    public async Task<IReadOnlyList<TimelineEntry>> ListAsync(string sku, int limit, CancellationToken cancellationToken)
    {
        var from = TableKeys.Join(sku) + TableKeys.Separator;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {shop.Key} and RowKey ge {from} and RowKey lt {TableKeys.PrefixEnd(from)}");
        var entries = new List<TimelineEntry>(limit);
        await foreach (var row in table.QueryAsync<TableEntity>(filter, Math.Min(limit, 1000), ["Entry"], cancellationToken))
        {
            entries.Add(JsonSerializer.Deserialize(row.GetString("Entry"), FuncSyncJson.Default.TimelineEntry)
                ?? throw new InvalidDataException($"Timeline row {row.RowKey} has no entry."));
            if (entries.Count >= limit)
            {
                break;
            }
        }

        return entries;
    }

    private TableEntity Row(string sku, TimelineEntry entry)
    {
        var inverted = (DateTimeOffset.MaxValue.UtcTicks - entry.At.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

        // Two steps can share a tick (a batch of reconciliations): a random tail keeps both.
        return new TableEntity(shop.Key, TableKeys.Join(sku, inverted, Guid.NewGuid().ToString("N")[..8]))
        {
            ["Entry"] = JsonSerializer.Serialize(entry, FuncSyncJson.Default.TimelineEntry),
        };
    }
}

/// <summary>One step of a SKU's story, as <c>GET /api/skus/{sku}/timeline</c> lists it (a contract the dashboard reads).</summary>
/// <param name="Step">sale, received, committed, push-attempt, push-accepted, push-failed, seen or reconciled.</param>
/// <param name="Channel">The channel the step happened on (the sale's channel, the push's target).</param>
/// <param name="Status">The step's outcome: applied, writing, accepted, failed, in-sync, ok, drift, pending-import.</param>
/// <param name="LatencyMs">A push: how long the channel took to answer.</param>
/// <param name="Attempt">A push: which write of this change it was (1 first; retries count up).</param>
public sealed record TimelineEntry(
    DateTimeOffset At,
    string Step,
    Channel? Channel,
    string? EventId,
    string? Detail,
    string? Status,
    double? LatencyMs,
    string? Error,
    int? Attempt)
{
    /// <summary>A committed change: on hand after it (units on the shelf, those packed for unshipped orders
    /// included; a composed SKU's entries give the part's figures); null for changes recorded before it was kept.</summary>
    public int? OnHand { get; init; }

    /// <summary>A committed change: units sold and not yet shipped after it.</summary>
    public int? Committed { get; init; }

    /// <summary>A committed change: what could be sold after it (on hand less committed).</summary>
    public int? Available { get; init; }
}

/// <summary>The timeline's step names, one place.</summary>
public static class TimelineSteps
{
    public const string Sale = "sale";
    public const string Received = "received";
    public const string Committed = "committed";
    public const string PushAttempt = "push-attempt";
    public const string PushAccepted = "push-accepted";
    public const string PushFailed = "push-failed";
    public const string Seen = "seen";
    public const string Reconciled = "reconciled";
}

using System.Globalization;
using Azure;
using Azure.Data.Tables;
using FuncSync.Domain;
using FuncSync.Domain.Ledger;
using FuncSync.Storage;

namespace FuncSync.Ledger;

/// <summary>The master ledger in Table Storage. One event commits, in one entity-group transaction of
/// the shop's partition, its stock row (ETag-guarded), a dedupe row (so a replay is a no-op), an outbox
/// row per channel it must push to, and an audit row.</summary>
public sealed class LedgerStore(TableClient table, ShopPartition shop, TimeProvider time)
{
    // Contention on one SKU resolves in a few rounds; past this the queue's retry takes over.
    private const int MaxAttempts = 20;

    private const string StockPrefix = "stock";
    private const string EventPrefix = "event";
    private const string OutboxPrefix = "outbox";
    private const string AuditPrefix = "audit";

    public async Task<LedgerApplyResult> ApplyAsync(InventoryEventReceived received, string sku, IReadOnlyCollection<Channel> pushTo, CancellationToken cancellationToken)
    {
        var dedupeKey = TableKeys.Join(EventPrefix, received.EventId);
        for (var attempt = 1; ; attempt++)
        {
            var seen = await table.GetEntityIfExistsAsync<TableEntity>(shop.Key, dedupeKey, ["Sku"], cancellationToken);
            if (seen.HasValue)
            {
                return LedgerApplyResult.Duplicate;
            }

            var stock = await GetStockAsync(sku, cancellationToken);
            var change = StockRules.Apply(stock.Available, received.Kind, received.Quantity);
            var now = time.GetUtcNow();
            var actions = new List<TableTransactionAction>(3 + pushTo.Count)
            {
                StockAction(sku, stock, change, received.EventId, now),
                new(TableTransactionActionType.Add, DedupeRow(dedupeKey, sku, change, now)),
                new(TableTransactionActionType.Add, AuditRow(sku, received, change, now)),
            };
            var outbox = pushTo.Select(channel => new OutboxEntry(sku, channel, OutboxKey(sku, channel), default)).ToList();
            actions.AddRange(outbox.Select(entry => new TableTransactionAction(TableTransactionActionType.UpsertReplace, OutboxRow(entry, now))));

            try
            {
                var responses = await table.SubmitTransactionAsync(TableBatch.Validate(actions), cancellationToken);
                var committed = outbox.Select((entry, i) => entry with { ETag = responses.Value[3 + i].Headers.ETag ?? default }).ToList();
                return new LedgerApplyResult(LedgerApplyOutcome.Applied, change, stock.Version + 1, committed);
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // Another applier committed first (the stock row's ETag moved, or it created the row,
                // or it applied this very event): re-read and decide again. Never overwrite.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 * attempt)), time, cancellationToken);
            }
        }
    }

    public async Task<StockSnapshot> GetStockAsync(string sku, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(shop.Key, StockKey(sku), cancellationToken: cancellationToken);
        return row.HasValue
            ? new StockSnapshot(sku, row.Value!.GetInt32("Available") ?? 0, row.Value.GetInt64("Version") ?? 0, row.Value.GetDateTimeOffset("UpdatedAt"), row.Value.ETag)
            : new StockSnapshot(sku, 0, 0, null, default);
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

    /// <summary>Removes an outbox row once its push is on the queue. ETag-conditional: if a newer event
    /// rewrote the row meanwhile, that event still owes its own push and the row stays.</summary>
    public async Task CompleteOutboxAsync(OutboxEntry entry, CancellationToken cancellationToken)
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

    private static string OutboxKey(string sku, Channel channel) => TableKeys.Join(OutboxPrefix, sku, channel.ToString());

    private TableTransactionAction StockAction(string sku, StockSnapshot stock, StockChange change, string eventId, DateTimeOffset now)
    {
        var row = new TableEntity(shop.Key, StockKey(sku))
        {
            ["Sku"] = sku,
            ["Available"] = change.After,
            ["Version"] = stock.Version + 1,
            ["LastEventId"] = eventId,
            ["UpdatedAt"] = now,
        };

        // A new SKU is an Add, so two first events race on a 409 instead of one overwriting the other.
        return stock.ETag == default
            ? new TableTransactionAction(TableTransactionActionType.Add, row)
            : new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, stock.ETag);
    }

    private TableEntity DedupeRow(string key, string sku, StockChange change, DateTimeOffset now) => new(shop.Key, key)
    {
        ["Sku"] = sku,
        ["Delta"] = change.Delta,
        ["AppliedAt"] = now,
    };

    private TableEntity OutboxRow(OutboxEntry entry, DateTimeOffset now) => new(shop.Key, entry.RowKey)
    {
        ["Sku"] = entry.Sku,
        ["Channel"] = entry.Channel.ToString(),
        ["CreatedAt"] = now,
    };

    private TableEntity AuditRow(string sku, InventoryEventReceived received, StockChange change, DateTimeOffset now)
    {
        // Inverted ticks sort the newest change first within the SKU's history.
        var inverted = (DateTimeOffset.MaxValue.UtcTicks - now.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);
        return new TableEntity(shop.Key, TableKeys.Join(AuditPrefix, sku, inverted, received.EventId))
        {
            ["Sku"] = sku,
            ["EventId"] = received.EventId,
            ["Kind"] = received.Kind.ToString(),
            ["Source"] = received.Source,
            ["Channel"] = received.Listing?.Channel.ToString(),
            ["Listing"] = received.Listing?.Key,
            ["Reference"] = received.Reference,
            ["Quantity"] = received.Quantity,
            ["Before"] = change.Before,
            ["After"] = change.After,
            ["Delta"] = change.Delta,
            ["OccurredAt"] = received.OccurredAt,
            ["ReceivedAt"] = received.ReceivedAt,
            ["CommittedAt"] = now,
        };
    }
}

public enum LedgerApplyOutcome
{
    Applied,
    Duplicate,
}

/// <param name="Version">The stock row's version after this event: pushes record which state they showed.</param>
/// <param name="Outbox">The outbox rows this event committed, with their ETags.</param>
public sealed record LedgerApplyResult(LedgerApplyOutcome Outcome, StockChange Change, long Version, IReadOnlyList<OutboxEntry> Outbox)
{
    public static LedgerApplyResult Duplicate { get; } = new(LedgerApplyOutcome.Duplicate, default, 0, []);
}

public sealed record OutboxEntry(string Sku, Channel Channel, string RowKey, ETag ETag);

public sealed record StockSnapshot(string Sku, int Available, long Version, DateTimeOffset? UpdatedAt, ETag ETag);

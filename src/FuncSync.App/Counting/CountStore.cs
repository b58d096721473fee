using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using FuncSync.Json;
using FuncSync.Storage;

namespace FuncSync.Counting;

/// <summary>Counting rounds and count records, in the shop's partition of the Counts table. A record's row key
/// starts with the time of the count, so a month is one key range.</summary>
public sealed class CountStore(TableClient table, ShopPartition shop)
{
    private const string RoundPrefix = "round";
    private const string CountPrefix = "count";

    public static string NewId(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8];

    public Task AddRoundAsync(CountRound round, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(round);
        return table.AddEntityAsync(
            new TableEntity(shop.Key, TableKeys.Join(RoundPrefix, round.Id))
            {
                ["Id"] = round.Id,
                ["Name"] = round.Name,
                ["Skus"] = JsonSerializer.Serialize(round.Skus.ToArray(), FuncSyncJson.Default.StringArray),
                ["Source"] = round.Source,
                ["Tag"] = round.Tag,
                ["Week"] = round.Week,
                ["By"] = round.By,
                ["CreatedAt"] = round.CreatedAt,
            },
            cancellationToken);
    }

    public async Task<CountRound?> GetRoundAsync(string id, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(shop.Key, TableKeys.Join(RoundPrefix, TableKeys.Escape(id)), cancellationToken: cancellationToken);
        return row.HasValue ? ToRound(row.Value!) : null;
    }

    /// <summary>Rounds, newest first.</summary>
    public async Task<IReadOnlyList<CountRound>> ListRoundsAsync(CancellationToken cancellationToken)
    {
        var rounds = new List<CountRound>();
        await foreach (var row in table.QueryAsync<TableEntity>(PrefixFilter(RoundPrefix + TableKeys.Separator), cancellationToken: cancellationToken))
        {
            rounds.Add(ToRound(row));
        }

        return [.. rounds.OrderByDescending(r => r.CreatedAt)];
    }

    /// <summary>Adds the record unless the count's event already has one (a count sent again with its Idempotency-Key).</summary>
    /// <returns>The record stored for the event.</returns>
    public async Task<CountRecord> AddAsync(CountRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (await FindByEventAsync(record.EventId, cancellationToken) is { } existing)
        {
            return existing;
        }

        await table.AddEntityAsync(ToEntity(record), cancellationToken);
        return record;
    }

    public async Task<CountRecord?> FindByEventAsync(string eventId, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {shop.Key} and EventId eq {eventId}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            return ToRecord(row);
        }

        return null;
    }

    public async Task<CountRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(shop.Key, TableKeys.Join(CountPrefix, TableKeys.Escape(id)), cancellationToken: cancellationToken);
        return row.HasValue ? ToRecord(row.Value!) : null;
    }

    /// <summary>Records the seller's reason for a count's difference (ETag-guarded: a second review is refused, not
    /// overwritten, so the first reason stays on record).</summary>
    /// <returns>The record as reviewed; null when there is none; the unchanged record when it was reviewed already.</returns>
    public async Task<(CountRecord? Record, bool Reviewed)> ReviewAsync(string id, string reason, string? note, string by, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(shop.Key, TableKeys.Join(CountPrefix, TableKeys.Escape(id)), cancellationToken: cancellationToken);
        if (!row.HasValue)
        {
            return (null, false);
        }

        var current = ToRecord(row.Value!);
        if (current.Reason is not null)
        {
            return (current, false);
        }

        var update = new TableEntity(shop.Key, row.Value!.RowKey) { ["Reason"] = reason, ["ReviewNote"] = note, ["ReviewedBy"] = by, ["ReviewedAt"] = at };
        try
        {
            await table.UpdateEntityAsync(update, row.Value.ETag, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            return (await GetAsync(id, cancellationToken), false);
        }

        return (current with { Reason = reason, ReviewNote = note, ReviewedBy = by, ReviewedAt = at }, true);
    }

    /// <summary>Counts made from <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive), oldest first.</summary>
    public async Task<IReadOnlyList<CountRecord>> ListAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var low = TableKeys.Join(CountPrefix, from.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture));
        var high = TableKeys.Join(CountPrefix, to.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture));
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {shop.Key} and RowKey ge {low} and RowKey lt {high}");
        var records = new List<CountRecord>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            records.Add(ToRecord(row));
        }

        return records;
    }

    public async Task<IReadOnlyList<CountRecord>> ListForRoundAsync(string round, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {shop.Key} and Round eq {round}");
        var records = new List<CountRecord>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            records.Add(ToRecord(row));
        }

        return records;
    }

    private string PrefixFilter(string from) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {shop.Key} and RowKey ge {from} and RowKey lt {TableKeys.PrefixEnd(from)}");

    private TableEntity ToEntity(CountRecord record) => new(shop.Key, TableKeys.Join(CountPrefix, TableKeys.Escape(record.Id)))
    {
        ["Id"] = record.Id,
        ["Sku"] = record.Sku,
        ["At"] = record.At,
        ["Expected"] = record.Expected,
        ["Counted"] = record.Counted,
        ["EventId"] = record.EventId,
        ["Round"] = record.Round,

        // Table Storage has no decimal: the cost travels as its invariant text.
        ["UnitCost"] = record.UnitCost?.ToString(CultureInfo.InvariantCulture),
    };

    private static CountRecord ToRecord(TableEntity row) => new(
        row.GetString("Id") ?? string.Empty,
        row.GetString("Sku") ?? string.Empty,
        row.GetDateTimeOffset("At") ?? default,
        row.GetInt32("Expected") ?? 0,
        row.GetInt32("Counted") ?? 0,
        row.GetString("EventId") ?? string.Empty,
        row.GetString("Round"),
        decimal.TryParse(row.GetString("UnitCost"), NumberStyles.Number, CultureInfo.InvariantCulture, out var cost) ? cost : null)
    {
        Reason = row.GetString("Reason"),
        ReviewNote = row.GetString("ReviewNote"),
        ReviewedBy = row.GetString("ReviewedBy"),
        ReviewedAt = row.GetDateTimeOffset("ReviewedAt"),
    };

    private static CountRound ToRound(TableEntity row) => new(
        row.GetString("Id") ?? string.Empty,
        row.GetString("Name") ?? string.Empty,
        JsonSerializer.Deserialize(row.GetString("Skus") ?? "[]", FuncSyncJson.Default.StringArray) ?? [],
        row.GetString("Source") ?? "skus",
        row.GetString("Tag"),
        row.GetString("Week"),
        row.GetString("By") ?? string.Empty,
        row.GetDateTimeOffset("CreatedAt") ?? default);
}

using System.Text.Json;
using Azure.Data.Tables;
using FuncSync.Domain.Pausing;
using FuncSync.Json;
using FuncSync.Storage;

namespace FuncSync.Pausing;

/// <summary>The seller's pauses, one row each in the shop's partition, and their history: a row per pause and per
/// resume, saying who and why, which stays after the pause is lifted.</summary>
public sealed class PauseStore(TableClient table, ShopPartition shop)
{
    private const string Prefix = "pause";
    private const string HistoryPrefix = "history";

    public async Task AddAsync(ChannelPause pause, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pause);
        var row = ToEntity(TableKeys.Join(Prefix, pause.Id), pause);
        var history = ToEntity(HistoryKey(pause.At, pause.Id, "paused"), pause);
        history["Event"] = "paused";
        await table.SubmitTransactionAsync(TableBatch.Validate([new(TableTransactionActionType.Add, row), new(TableTransactionActionType.Add, history)]), cancellationToken);
    }

    /// <summary>Lifts a pause and records who resumed and why.</summary>
    /// <returns>The pause lifted; null when there was none.</returns>
    public async Task<ChannelPause?> RemoveAsync(string id, string by, string reason, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(shop.Key, TableKeys.Join(Prefix, id), cancellationToken: cancellationToken);
        if (!row.HasValue)
        {
            return null;
        }

        var pause = FromEntity(row.Value!);
        var history = ToEntity(HistoryKey(at, id, "resumed"), pause with { By = by, Reason = reason, At = at });
        history["Event"] = "resumed";
        try
        {
            await table.SubmitTransactionAsync(
                TableBatch.Validate([new(TableTransactionActionType.Delete, row.Value!, row.Value!.ETag), new(TableTransactionActionType.Add, history)]),
                cancellationToken);
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 404 or 409 or 412)
        {
            // Resumed by another request meanwhile: that one recorded it.
            return null;
        }

        return pause;
    }

    public async Task<IReadOnlyList<ChannelPause>> ListAsync(CancellationToken cancellationToken)
    {
        var pauses = new List<ChannelPause>();
        await foreach (var row in table.QueryAsync<TableEntity>(PrefixFilter(Prefix), cancellationToken: cancellationToken))
        {
            pauses.Add(FromEntity(row));
        }

        return [.. pauses.OrderBy(p => p.At)];
    }

    /// <summary>Pauses and resumes, newest first.</summary>
    public async Task<IReadOnlyList<PauseEvent>> HistoryAsync(int limit, CancellationToken cancellationToken)
    {
        var events = new List<PauseEvent>();
        await foreach (var row in table.QueryAsync<TableEntity>(PrefixFilter(HistoryPrefix), maxPerPage: limit, cancellationToken: cancellationToken))
        {
            events.Add(new PauseEvent(row.GetString("Event") ?? "paused", FromEntity(row)));
            if (events.Count >= limit)
            {
                break;
            }
        }

        return events;
    }

    // Newest first: row keys sort ascending, so the key counts down from the end of time.
    private static string HistoryKey(DateTimeOffset at, string id, string what) =>
        TableKeys.Join(HistoryPrefix, (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", System.Globalization.CultureInfo.InvariantCulture), id, what);

    private string PrefixFilter(string prefix)
    {
        var from = prefix + TableKeys.Separator;
        return TableClient.CreateQueryFilter($"PartitionKey eq {shop.Key} and RowKey ge {from} and RowKey lt {TableKeys.PrefixEnd(from)}");
    }

    private TableEntity ToEntity(string rowKey, ChannelPause pause) => new(shop.Key, rowKey)
    {
        ["Id"] = pause.Id,
        ["Skus"] = JsonSerializer.Serialize(pause.Skus.ToArray(), FuncSyncJson.Default.StringArray),
        ["SkuPrefix"] = pause.SkuPrefix,
        ["Tag"] = pause.Tag,
        ["Channels"] = JsonSerializer.Serialize(pause.Channels.ToArray(), FuncSyncJson.Default.StringArray),
        ["By"] = pause.By,
        ["Reason"] = pause.Reason,
        ["At"] = pause.At,
    };

    private static ChannelPause FromEntity(TableEntity row) => new(
        row.GetString("Id") ?? string.Empty,
        JsonSerializer.Deserialize(row.GetString("Skus") ?? "[]", FuncSyncJson.Default.StringArray) ?? [],
        row.GetString("SkuPrefix"),
        JsonSerializer.Deserialize(row.GetString("Channels") ?? "[]", FuncSyncJson.Default.StringArray) ?? [],
        row.GetString("By") ?? string.Empty,
        row.GetString("Reason") ?? string.Empty,
        row.GetDateTimeOffset("At") ?? default)
    {
        Tag = row.GetString("Tag"),
    };
}

/// <param name="Event"><c>paused</c> or <c>resumed</c>; for a resume, By, Reason and At are the resume's.</param>
public sealed record PauseEvent(string Event, ChannelPause Pause);

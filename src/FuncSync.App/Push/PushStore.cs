using Azure;
using Azure.Data.Tables;
using FuncSync.Domain;
using FuncSync.Domain.Allocation;
using FuncSync.Storage;

namespace FuncSync.Push;

/// <summary>Per SKU and channel: what the channel was last seen or made to show, for which ledger
/// version, and when. The SKU API and the push's own safety rule read it.</summary>
public sealed partial class PushStore(TableClient table, ShopPartition shop)
{
    public async Task<PushRecord?> GetAsync(string sku, Channel channel, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(shop.Key, Key(sku, channel), cancellationToken: cancellationToken);
        return row.HasValue ? FromEntity(row.Value!) : null;
    }

    /// <summary>Every channel's record of <paramref name="sku"/>, in one range query (the rows are keyed SKU first):
    /// a push decides from all of them at once.</summary>
    public async Task<IReadOnlyDictionary<Channel, PushRecord>> GetAllAsync(string sku, CancellationToken cancellationToken)
    {
        var from = TableKeys.Join(sku, string.Empty);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {shop.Key} and RowKey ge {from} and RowKey lt {TableKeys.PrefixEnd(from)}");
        var records = new Dictionary<Channel, PushRecord>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            var record = FromEntity(row);
            records[record.Channel] = record;
        }

        return records;
    }

    /// <summary>The SKU's records in channel order.</summary>
    public async Task<IReadOnlyList<PushRecord>> ListAsync(string sku, CancellationToken cancellationToken) =>
        [.. (await GetAllAsync(sku, cancellationToken)).Values.OrderBy(r => r.Channel)];

    /// <summary>Every push record of the shop, in one query of its partition.</summary>
    public async Task<IReadOnlyList<PushRecord>> ListAllAsync(CancellationToken cancellationToken)
    {
        var records = new List<PushRecord>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {shop.Key}"), cancellationToken: cancellationToken))
        {
            records.Add(FromEntity(row));
        }

        return records;
    }

    /// <summary>Records a push, conditional on the record read before it (<see cref="PushRecord.ETag"/>;
    /// default for "there was none").</summary>
    /// <returns>The record as stored, with its new ETag; null when another push of the same listing recorded first:
    /// its write and ours raced, so the caller must look at the channel again.</returns>
    public async Task<PushRecord?> TryRecordAsync(PushRecord record, ETag readETag, CancellationToken cancellationToken) =>
        await TryStoreAsync(record, readETag, cancellationToken) is { } etag ? record with { ETag = etag } : null;

    /// <summary>Announces a write before it is made (<see cref="PushRecord.WritingTo"/>): a push of
    /// another channel deciding meanwhile counts a rise as shown, and another push of this listing
    /// knows the channel's count may be this write, not a sale. Conditional like a record.</summary>
    /// <returns>The record as stored, with its new ETag; null when another push recorded first.</returns>
    public async Task<PushRecord?> TryAnnounceAsync(PushRecord intent, ETag readETag, CancellationToken cancellationToken) =>
        await TryStoreAsync(intent, readETag, cancellationToken) is { } etag ? intent with { ETag = etag } : null;

    private async Task<ETag?> TryStoreAsync(PushRecord record, ETag readETag, CancellationToken cancellationToken)
    {
        var row = new TableEntity(shop.Key, Key(record.Sku, record.Channel))
        {
            ["Sku"] = record.Sku,
            ["Channel"] = record.Channel.ToString(),
            ["Shown"] = record.Shown,
            ["Target"] = record.Target,
            ["Status"] = record.Status.ToString(),
            ["LedgerVersion"] = record.LedgerVersion,
            ["CheckedAt"] = record.CheckedAt,
            ["WrittenAt"] = record.WrittenAt,
            ["SoldSeen"] = record.SoldSeen,
            ["Unseen"] = record.Unseen,
            ["WritingId"] = record.WritingId,
            ["WritingTo"] = record.WritingTo,
            ["WritingSince"] = record.WritingSince,
            ["RecheckAt"] = record.RecheckAt,
            ["Failing"] = record.Failing,
        };
        try
        {
            var response = readETag == default
                ? await table.AddEntityAsync(row, cancellationToken)
                : await table.UpdateEntityAsync(row, readETag, TableUpdateMode.Replace, cancellationToken);
            return response.Headers.ETag ?? default(ETag);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return null;
        }
    }

    /// <summary>Marks the listing's record <see cref="PushRecord.Failing"/>, whatever its version: a push that records
    /// meanwhile raced this failure and goes round again, seeing the mark. A listing never recorded has nothing to mark
    /// (its first success looks the alerts up anyway).</summary>
    public async Task MarkFailingAsync(string sku, Channel channel, CancellationToken cancellationToken)
    {
        try
        {
            await table.UpdateEntityAsync(new TableEntity(shop.Key, Key(sku, channel)) { ["Failing"] = true }, ETag.All, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Never recorded.
        }
    }

    private static string Key(string sku, Channel channel) => TableKeys.Join(sku, channel.ToString());

    private static PushRecord FromEntity(TableEntity row) => new(
        row.GetString("Sku"),
        Enum.Parse<Channel>(row.GetString("Channel")),
        row.GetInt32("Shown") ?? 0,
        row.GetInt32("Target") ?? 0,
        Enum.Parse<PushStatus>(row.GetString("Status")),
        row.GetInt64("LedgerVersion") ?? 0,
        row.GetDateTimeOffset("CheckedAt") ?? default,
        row.GetDateTimeOffset("WrittenAt"))
    {
        SoldSeen = row.GetInt64("SoldSeen") ?? 0,
        Unseen = row.GetInt32("Unseen") ?? 0,
        WritingId = row.GetString("WritingId"),
        WritingTo = row.GetInt32("WritingTo"),
        WritingSince = row.GetDateTimeOffset("WritingSince"),
        RecheckAt = row.GetDateTimeOffset("RecheckAt"),
        Failing = row.GetBoolean("Failing") ?? false,
        ETag = row.ETag,
    };
}

/// <param name="Shown">What the channel shows buyers, as of <see cref="CheckedAt"/>.</param>
/// <param name="Target">What the ledger wanted it to show.</param>
/// <param name="WrittenAt">When FuncSync last changed the channel's quantity.</param>
public sealed record PushRecord(string Sku, Channel Channel, int Shown, int Target, PushStatus Status, long LedgerVersion, DateTimeOffset CheckedAt, DateTimeOffset? WrittenAt)
{
    /// <summary>The channel's sales of the SKU the ledger had applied when <see cref="Shown"/> was
    /// taken (the ledger's sold counter, read before the channel).</summary>
    public long SoldSeen { get; init; }

    /// <summary>Sales the channel had made by then that the ledger had not applied.</summary>
    public int Unseen { get; init; }

    /// <summary>The push that announced a write it is making; null when none is.</summary>
    public string? WritingId { get; init; }

    /// <summary>The quantity being written.</summary>
    public int? WritingTo { get; init; }

    public DateTimeOffset? WritingSince { get; init; }

    /// <summary>When a re-check of a partition made by a derived threshold is due; null when none is queued.</summary>
    public DateTimeOffset? RecheckAt { get; init; }

    /// <summary>The record as the allocation rule reads it: a rise being written counts as shown.</summary>
    public ChannelView View => new(Shown, SoldSeen, Unseen, WritingTo ?? 0);

    /// <summary>A push of this listing failed and raised an alert since this listing last recorded a push: the next
    /// success looks the alert up and clears it. A record written by a push that got through has it false, so a healthy
    /// listing's push never reads the alerts.</summary>
    public bool Failing { get; init; }

    /// <summary>The stored row's version, for the next conditional record.</summary>
    public ETag ETag { get; init; }
}

public enum PushStatus
{
    /// <summary>The channel already showed the target.</summary>
    InSync,

    /// <summary>FuncSync wrote the target. Where a write replaces a whole unit (an Etsy listing), the write is not
    /// read back yet: a read-back showing it records <see cref="InSync"/>.</summary>
    Written,

    /// <summary>An increase held back: the channel moved since FuncSync last saw it, most likely a
    /// sale not imported yet, and raising it could relist a sold unit.</summary>
    Deferred,
}

using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using FuncSync.Domain;
using FuncSync.Storage;

namespace FuncSync.Channels.State;

/// <summary>
/// One channel's private state in the shared <c>ChannelState</c> table: whatever a connector must remember between
/// calls and across instances that is not the ledger's business. Rows of one shop, channel and kind share a partition
/// (<c>shop|channel|kind</c>), so a kind is listed with one partition query and channels never see each other's
/// rows; the row key is the caller's key, escaped for Table Storage. Every change can be guarded by the ETag the value
/// was read with (<see cref="TryAddAsync"/>, <see cref="TryReplaceAsync"/>, <see cref="TryDeleteAsync"/>), so two
/// instances racing on one row never lose a write silently. Registered keyed by channel for every module.
/// </summary>
public sealed class ChannelState
{
    private const string ValueColumn = "Value";
    private const int MaxValueLength = 32_000;

    private readonly TableClient _table;
    private readonly string _partitionPrefix;

    public ChannelState(Channel channel, TableClient table, ShopPartition shop)
    {
        Channel = channel;
        _table = table;
        _partitionPrefix = TableKeys.Join(shop.Key, channel.ToString().ToLowerInvariant()) + TableKeys.Separator;
    }

    public Channel Channel { get; }

    /// <summary>The value stored under <paramref name="key"/>, or null.</summary>
    public async Task<StateEntry<T>?> GetAsync<T>(StateKind<T> kind, string key, CancellationToken cancellationToken)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(Partition(kind), RowKey(key), [ValueColumn], cancellationToken);
        return row.HasValue ? Read(kind, key, row.Value!) : null;
    }

    /// <summary>Every value of <paramref name="kind"/> whose key starts with <paramref name="prefix"/> (all of them for
    /// ""), in key order.</summary>
    public IAsyncEnumerable<StateEntry<T>> ListAsync<T>(StateKind<T> kind, string prefix, CancellationToken cancellationToken) =>
        prefix.Length == 0
            ? QueryAsync(kind, TableClient.CreateQueryFilter($"PartitionKey eq {Partition(kind)}"), cancellationToken)
            : RangeAsync(kind, RowKey(prefix), TableKeys.PrefixEnd(RowKey(prefix)), cancellationToken);

    /// <summary>Every value of <paramref name="kind"/> with a key from <paramref name="from"/> (inclusive) to
    /// <paramref name="to"/> (exclusive), in key order. Keys compare ordinally as stored: characters Table Storage
    /// forbids ('/', '\', '#', '?', '%', '|', control characters) are stored as %XX and sort as such.</summary>
    public IAsyncEnumerable<StateEntry<T>> ListRangeAsync<T>(StateKind<T> kind, string from, string to, CancellationToken cancellationToken) =>
        RangeAsync(kind, RowKey(from), RowKey(to), cancellationToken);

    /// <summary>Stores <paramref name="value"/> whatever was there: for state only one writer changes at a time.</summary>
    public async Task<StateEntry<T>> UpsertAsync<T>(StateKind<T> kind, string key, T value, CancellationToken cancellationToken)
    {
        var response = await _table.UpsertEntityAsync(Entity(kind, key, value), TableUpdateMode.Replace, cancellationToken);
        return new StateEntry<T>(key, value, response.Headers.ETag ?? default);
    }

    /// <summary>Stores <paramref name="value"/> if nothing is stored under <paramref name="key"/>; null when something is
    /// (the caller lost a race to create it: read it and decide on its value).</summary>
    public async Task<StateEntry<T>?> TryAddAsync<T>(StateKind<T> kind, string key, T value, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _table.AddEntityAsync(Entity(kind, key, value), cancellationToken);
            return new StateEntry<T>(key, value, response.Headers.ETag ?? default);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return null;
        }
    }

    /// <summary>Compare-and-set: replaces <paramref name="current"/> with <paramref name="value"/> if the row is still the
    /// one <paramref name="current"/> was read from; null when it changed or was deleted since.</summary>
    public async Task<StateEntry<T>?> TryReplaceAsync<T>(StateKind<T> kind, StateEntry<T> current, T value, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _table.UpdateEntityAsync(Entity(kind, current.Key, value), current.ETag, TableUpdateMode.Replace, cancellationToken);
            return new StateEntry<T>(current.Key, value, response.Headers.ETag ?? default);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return null;
        }
    }

    /// <summary>Deletes whatever is stored under <paramref name="key"/>; false when nothing was.</summary>
    public async Task<bool> DeleteAsync<T>(StateKind<T> kind, string key, CancellationToken cancellationToken)
    {
        // The SDK answers a delete of a missing entity with its 404 response rather than an exception.
        var response = await _table.DeleteEntityAsync(Partition(kind), RowKey(key), ETag.All, cancellationToken);
        return response.Status != 404;
    }

    /// <summary>Deletes <paramref name="current"/> if the row is still the one it was read from; false when it changed
    /// or is gone.</summary>
    public async Task<bool> TryDeleteAsync<T>(StateKind<T> kind, StateEntry<T> current, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _table.DeleteEntityAsync(Partition(kind), RowKey(current.Key), current.ETag, cancellationToken);
            return response.Status != 404;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return false;
        }
    }

    private static string RowKey(string key) => TableKeys.Escape(key);

    private string Partition<T>(StateKind<T> kind) => _partitionPrefix + kind.Name;

    private IAsyncEnumerable<StateEntry<T>> RangeAsync<T>(StateKind<T> kind, string fromRowKey, string toRowKey, CancellationToken cancellationToken) =>
        QueryAsync(kind, TableClient.CreateQueryFilter($"PartitionKey eq {Partition(kind)} and RowKey ge {fromRowKey} and RowKey lt {toRowKey}"), cancellationToken);

    private async IAsyncEnumerable<StateEntry<T>> QueryAsync<T>(StateKind<T> kind, string filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, select: ["RowKey", ValueColumn], cancellationToken: cancellationToken))
        {
            yield return Read(kind, TableKeys.Unescape(row.RowKey), row);
        }
    }

    private TableEntity Entity<T>(StateKind<T> kind, string key, T value)
    {
        var json = JsonSerializer.Serialize(value, kind.Json);
        if (json.Length > MaxValueLength)
        {
            throw new ArgumentException($"{Channel} state '{kind.Name}' is {json.Length} characters of JSON; a value holds at most {MaxValueLength}.", nameof(value));
        }

        return new TableEntity(Partition(kind), RowKey(key)) { [ValueColumn] = json };
    }

    private static StateEntry<T> Read<T>(StateKind<T> kind, string key, TableEntity row) =>
        new(key, JsonSerializer.Deserialize(row.GetString(ValueColumn), kind.Json)!, row.ETag);
}

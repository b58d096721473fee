using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using FuncSync.Channels.State;
using FuncSync.Domain;
using FuncSync.Hosting.Storage;
using FuncSync.Polling;
using FuncSync.Storage;

namespace FuncSync.Etsy;

/// <summary>
/// Etsy kept its private state in tables of its own (<c>EtsyListings</c>, <c>EtsyRefunds</c>, <c>EtsyBudget</c>) before
/// the shared channel state table. At start-up this moves this shop's rows over, one at a time: the row is added to the
/// state table unless the state table already holds that key (then the state table's row is newer and wins), and only
/// then deleted from the old table, so a crash part-way loses nothing and the next start goes on. A table left empty is
/// dropped; rows of other shops sharing it stay for their own deployment to move. Once the old tables are gone this
/// costs three lookups of a missing table per start.
/// </summary>
/// <remarks>Under the Functions host, an invocation may run before this finishes (the worker starts with the host);
/// for those few seconds after an upgrade, an Etsy listing FuncSync deactivated may be seen as the seller's and not
/// reactivated by that one push, which the next push or reconciliation repeats.</remarks>
public sealed class EtsyLegacyStateImport(
    StorageClients storage,
    StorageNames names,
    ShopPartition shop,
    [FromKeyedServices(Channel.Etsy)] ChannelState state,
    ILogger<EtsyLegacyStateImport> logger) : IHostedService
{
    private const string PacerRowPrefix = "pacer-";

    /// <summary>The tables as an earlier FuncSync named them, under the same storage prefix.</summary>
    public IReadOnlyList<string> LegacyTables => [Listings, Refunds, Budget];

    private string Listings => names.Prefix + "EtsyListings";

    private string Refunds => names.Prefix + "EtsyRefunds";

    private string Budget => names.Prefix + "EtsyBudget";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var moved = await ImportAsync(cancellationToken);
        if (moved > 0)
        {
            logger.LogInformation("Moved {Rows} rows of Etsy's own tables into the channel state table", moved);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Moves every row of this shop; returns how many were moved.</summary>
    public async Task<int> ImportAsync(CancellationToken cancellationToken)
    {
        var moved = await MoveAsync(
            Listings,
            (row, ct) => state.TryAddAsync(EtsyState.DeactivatedListings, row.RowKey, new EtsyDeactivation(row.GetDateTimeOffset("DeactivatedAt") ?? default), ct),
            cancellationToken);
        moved += await MoveAsync(
            Refunds,
            (row, ct) => state.TryAddAsync(EtsyState.Refunds, row.RowKey, new EtsyRefundClaim(row.GetInt64("ReceiptId") ?? 0, row.GetBoolean("Alerted") == true), ct),
            cancellationToken);
        moved += await MoveAsync(
            Budget,
            (row, ct) => row.RowKey.StartsWith(PacerRowPrefix, StringComparison.Ordinal) && row.GetString("State") is { } json
                ? state.TryAddAsync(SharedPollPacerState.Kind, row.RowKey[PacerRowPrefix.Length..], JsonSerializer.Deserialize(json, SharedPollPacerState.Kind.Json)!, ct)
                : Task.FromResult<StateEntry<PollPacerState>?>(null),
            cancellationToken,
            discard: row => string.Equals(row.RowKey, "qps", StringComparison.Ordinal));
        return moved;
    }

    /// <param name="discard">Rows of no shop that mean nothing any more (the per-second budget rows Etsy's table once held
    /// beside the pacer); deleted so the table can be dropped.</param>
    private async Task<int> MoveAsync<T>(string tableName, Func<TableEntity, CancellationToken, Task<T>> copy, CancellationToken cancellationToken, Func<TableEntity, bool>? discard = null)
    {
        var table = storage.Table(tableName);
        var moved = 0;
        var othersLeft = false;
        try
        {
            await foreach (var row in table.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
            {
                if (string.Equals(row.PartitionKey, shop.Key, StringComparison.Ordinal))
                {
                    await copy(row, cancellationToken);
                    othersLeft |= !await DeleteAsync(table, row, cancellationToken);
                    moved++;
                }
                else if (discard?.Invoke(row) == true)
                {
                    othersLeft |= !await DeleteAsync(table, row, cancellationToken);
                }
                else
                {
                    othersLeft = true;
                }
            }

            if (!othersLeft)
            {
                await table.DeleteAsync(cancellationToken);
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // The table is gone (moved before, or never made): nothing to move.
        }

        return moved;
    }

    private async Task<bool> DeleteAsync(TableClient table, TableEntity row, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(row, row.ETag, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            // An instance still on the old version changed the row after it was read. The state table keeps the value
            // read (an old version's later change is the upgrade's one loss); the row stays, so the table is kept to look at.
            logger.LogWarning("Etsy row {Table}/{Row} changed while it was moved; the value read before the change was kept", table.Name, row.RowKey);
            return false;
        }
    }
}

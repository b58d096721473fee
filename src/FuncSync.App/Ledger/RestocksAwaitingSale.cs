using System.Text.Json;
using Azure.Data.Tables;
using FuncSync.Json;
using FuncSync.Storage;

namespace FuncSync.Ledger;

/// <summary>Cancellations and returns that reached the ledger before the sale they undo (webhooks arrive out of
/// order): held with the parked events, never dropped, and queued again once their sale is applied. The restock
/// writes its hold and then looks for the sale; the sale commits and then looks for holds. Whichever of the two
/// comes second sees the other, so a hold is always replayed, and the restock's own dedupe row makes a replay
/// by both sides count once.</summary>
public sealed class RestocksAwaitingSale(TableClient table, ShopPartition shop, TimeProvider time)
{
    // Channel names never take this value, so holds and the listing-keyed parked events share the table apart.
    private const string Prefix = "awaiting-sale";

    public async Task HoldAsync(InventoryEventReceived restock, CancellationToken cancellationToken)
    {
        var saleId = restock.RestockOf ?? throw new ArgumentException("Only a restock of a named sale can wait for it.", nameof(restock));
        var row = new TableEntity(shop.Key, TableKeys.Join(Prefix, saleId, restock.EventId))
        {
            ["EventId"] = restock.EventId,
            ["Sale"] = saleId,
            ["Event"] = JsonSerializer.Serialize(restock, FuncSyncJson.Default.InventoryEventReceived),
            ["ParkedAt"] = time.GetUtcNow(),
        };

        // Upsert: a redelivered restock is held once.
        await table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>The restocks held for a sale, each as it was queued.</summary>
    public async Task<IReadOnlyList<ParkedEvent>> ListAsync(string saleEventId, CancellationToken cancellationToken)
    {
        var from = TableKeys.Join(Prefix, saleEventId) + TableKeys.Separator;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {shop.Key} and RowKey ge {from} and RowKey lt {TableKeys.PrefixEnd(from)}");
        var held = new List<ParkedEvent>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["RowKey", "Event"], cancellationToken: cancellationToken))
        {
            held.Add(new ParkedEvent(row.RowKey, row.GetString("Event"), row.ETag));
        }

        return held;
    }

    public async Task ReleaseAsync(ParkedEvent held, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(shop.Key, held.RowKey, held.ETag, cancellationToken);
        }
        catch (Azure.RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            // Released by the other side of the race, or held again by a redelivery that will replay itself.
        }
    }
}

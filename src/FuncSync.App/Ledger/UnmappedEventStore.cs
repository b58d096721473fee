using System.Text.Json;
using Azure.Data.Tables;
using FuncSync.Json;
using FuncSync.Storage;

namespace FuncSync.Ledger;

/// <summary>Events for listings nobody has mapped yet. They are kept, never dropped, so they can be
/// applied once the seller maps the listing.</summary>
public sealed class UnmappedEventStore(TableClient table, ShopPartition shop, TimeProvider time)
{
    public async Task ParkAsync(InventoryEventReceived received, ListingRef listing, CancellationToken cancellationToken)
    {
        var row = new TableEntity(shop.Key, TableKeys.Join(listing.Channel.ToString(), listing.Key, received.EventId))
        {
            ["Channel"] = listing.Channel.ToString(),
            ["Listing"] = listing.Key,
            ["EventId"] = received.EventId,
            ["Event"] = JsonSerializer.Serialize(received, FuncSyncJson.Default.InventoryEventReceived),
            ["ParkedAt"] = time.GetUtcNow(),
        };

        // Upsert: a redelivered event parks once.
        await table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<int> CountAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var unused in table.QueryAsync<TableEntity>(e => e.PartitionKey == shop.Key, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            count++;
        }

        return count;
    }
}

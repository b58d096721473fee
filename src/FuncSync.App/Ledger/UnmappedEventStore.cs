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

    /// <summary>The events parked for a listing, oldest first, with a way to let each one go once it
    /// is back on the queue.</summary>
    public async Task<IReadOnlyList<ParkedEvent>> ListAsync(ListingRef listing, CancellationToken cancellationToken)
    {
        var from = TableKeys.Join(listing.Channel.ToString(), listing.Key) + TableKeys.Separator;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {shop.Key} and RowKey ge {from} and RowKey lt {TableKeys.PrefixEnd(from)}");
        var parked = new List<ParkedEvent>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            parked.Add(new ParkedEvent(row.RowKey, row.GetString("Event"), row.ETag));
        }

        return parked;
    }

    /// <summary>Every parked event with its listing, in one query of the partition: an import of thousands of
    /// listings asks once per batch, not once per listing. Rows of other kinds in the table (restocks awaiting their
    /// sale) carry no listing and are left out.</summary>
    public async Task<IReadOnlyList<(ListingRef Listing, ParkedEvent Parked)>> ListAllAsync(CancellationToken cancellationToken)
    {
        var parked = new List<(ListingRef, ParkedEvent)>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == shop.Key, cancellationToken: cancellationToken))
        {
            if (row.GetString("Listing") is { } key && Enum.TryParse<Domain.Channel>(row.GetString("Channel"), out var channel))
            {
                parked.Add((new ListingRef(channel, key), new ParkedEvent(row.RowKey, row.GetString("Event"), row.ETag)));
            }
        }

        return parked;
    }

    public async Task ReleaseAsync(ParkedEvent parked, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(shop.Key, parked.RowKey, parked.ETag, cancellationToken);
        }
        catch (Azure.RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            // Released by a concurrent import.
        }
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

/// <param name="Event">The event as it was queued (JSON), ready to queue again.</param>
public sealed record ParkedEvent(string RowKey, string Event, Azure.ETag ETag);

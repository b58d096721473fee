using FuncSync.Domain.Ledger;
using FuncSync.Ledger;

namespace FuncSync.Catalog;

/// <summary>Loads SKU map rows: stores each mapping, and turns a starting quantity into a count event
/// that travels the same queue and ledger path as every other change, so it is audited and pushed.</summary>
public sealed class CatalogImporter(SkuMapStore map, UnmappedEventStore unmapped, InventoryEventSender inventoryEvents, TimeProvider time, ILogger<CatalogImporter> logger)
{
    /// <param name="importId">Names this import: the same id imported twice counts once.</param>
    public async Task ImportAsync(IReadOnlyList<SkuMapRow> rows, string importId, string source, CancellationToken cancellationToken)
    {
        foreach (var row in rows)
        {
            await map.UpsertAsync(row.Mapping, cancellationToken);
        }

        // Sales that arrived before their listing was mapped go back on the queue now; their event ids
        // keep the replay idempotent.
        foreach (var listing in rows.SelectMany(r => r.Mapping.Listings))
        {
            foreach (var parked in await unmapped.ListAsync(listing, cancellationToken))
            {
                await inventoryEvents.ResendAsync(parked.Event, cancellationToken);
                await unmapped.ReleaseAsync(parked, cancellationToken);
                logger.LogInformation("Replayed an event parked for {Channel} listing {Listing}", listing.Channel, listing.Key);
            }
        }

        var now = time.GetUtcNow();
        foreach (var row in rows.Where(r => r.Quantity is not null))
        {
            var counted = new InventoryEventReceived(
                EventId: $"import:{importId}:{row.Mapping.Sku}",
                Kind: InventoryEventKind.Count,
                Source: source,
                Listing: null,
                Sku: row.Mapping.Sku,
                Quantity: row.Quantity!.Value,
                OccurredAt: now,
                ReceivedAt: now,
                Reference: $"import {importId}");
            await inventoryEvents.SendAsync(counted, cancellationToken);
        }
    }
}

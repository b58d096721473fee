using FuncSync.Catalog;
using FuncSync.Domain;
using FuncSync.Ledger;
using FuncSync.Mapping;
using FuncSync.Reconciliation;
using Microsoft.Extensions.Options;

namespace FuncSync.Square;

/// <summary>Reconciliation's read of Square: batch-retrieve of IN_STOCK counts at the configured locations, 100
/// variations a request, summed per variation.</summary>
public sealed class SquareQuantityReader(SquareApi square, IOptions<SquareOptions> options) : IChannelQuantityReader
{
    public const int BatchSize = 100;

    public Channel Channel => Channel.Square;

    public async Task<ChannelQuantities> ReadAsync(IReadOnlyList<SkuMapping> mappings, CancellationToken cancellationToken)
    {
        var shown = new Dictionary<string, ShownQuantity>(StringComparer.Ordinal);
        var requests = 0;
        foreach (var batch in mappings.Where(m => m.Square is not null).Chunk(BatchSize))
        {
            var counts = await square.RetrieveCountsAsync([.. batch.Select(m => m.Square!.VariationId).Distinct()], options.Value.Locations, cancellationToken);
            requests++;
            foreach (var mapping in batch)
            {
                var mine = counts.Where(c => c.VariationId == mapping.Square!.VariationId).ToList();
                shown[mapping.Sku] = new ShownQuantity(mine.Sum(c => c.Quantity), mine.Max(c => c.CalculatedAt));
            }
        }

        return new ChannelQuantities(shown, requests);
    }
}

/// <summary>The mapping audit's read of Square: every item with its variations (<c>GET /v2/catalog/list?types=ITEM</c>,
/// a page at a time). A variation whose inventory is not tracked at a configured location is not counted down by its
/// sales there, nor stopped at 0: its guard says so and the audit alerts it.</summary>
public sealed class SquareCatalogReader(SquareApi square, IOptions<SquareOptions> options, ILogger<SquareCatalogReader> logger) : IChannelCatalogReader
{
    public Channel Channel => Channel.Square;

    public async Task<ChannelCatalog> ReadAsync(CancellationToken cancellationToken)
    {
        var locations = options.Value.Locations;
        var listings = new List<CatalogListing>();
        string? cursor = null;
        var requests = 0;
        do
        {
            var page = await square.ListItemsAsync(cursor, cancellationToken);
            requests++;
            foreach (var item in page["objects"]?.AsArray() ?? [])
            {
                var itemData = item?["item_data"];
                foreach (var variation in itemData?["variations"]?.AsArray() ?? [])
                {
                    if ((string?)variation?["id"] is not { } id || variation["item_variation_data"] is not { } data)
                    {
                        continue;
                    }

                    var overrides = data["location_overrides"]?.AsArray() ?? [];
                    var tracked = (bool?)data["track_inventory"] ?? false;
                    var trackedEverywhere = locations.All(l => (bool?)overrides.FirstOrDefault(o => (string?)o?["location_id"] == l)?["track_inventory"] ?? tracked);
                    foreach (var soldOut in overrides.Where(o => (bool?)o?["sold_out"] == true))
                    {
                        // Square's own flag, read-only to the API: it stops sales at the register whatever the count.
                        logger.LogInformation("Square variation {Variation} is marked sold out at location {Location}", id, (string?)soldOut?["location_id"]);
                    }

                    listings.Add(new CatalogListing(
                        new ListingRef(Channel.Square, id),
                        (string?)data["sku"],
                        (string?)itemData?["name"] ?? (string?)data["name"] ?? string.Empty,
                        (string?)item?["id"] ?? id)
                    {
                        // Square sells an untracked variation without limit; the seller switches tracking on per location.
                        Guard = new StockGuard(
                            trackedEverywhere,
                            SellsPastZero: false,
                            "In Square, open the item, and turn \"Track inventory\" on for this variation at every location FuncSync syncs."),
                    });
                }
            }

            cursor = (string?)page["cursor"];
        }
        while (cursor is not null);

        return new ChannelCatalog(Channel.Square, listings, requests);
    }
}

using FuncSync.Catalog;
using FuncSync.Domain;
using FuncSync.Mapping;
using FuncSync.Push;
using FuncSync.Reconciliation;

namespace FuncSync.Etsy;

/// <summary>Reconciliation's read of Etsy: the whole shop in pages of 100 (about ten requests for 1,000 listings,
/// against one getListingInventory each), and per mapped product what buyers see, as the push computes it.</summary>
public sealed class EtsyQuantityReader(EtsyShopListings shop) : IChannelQuantityReader
{
    public Channel Channel => Channel.Etsy;

    public async Task<ChannelQuantities> ReadAsync(IReadOnlyList<SkuMapping> mappings, CancellationToken cancellationToken)
    {
        var (listings, requests) = await shop.ReadAllAsync(cancellationToken);
        var byId = listings.ToDictionary(l => l.ListingId);
        var shown = new Dictionary<string, ShownQuantity>(StringComparer.Ordinal);
        foreach (var mapping in mappings)
        {
            if (mapping.Etsy is not { } listing || !byId.TryGetValue(listing.ListingId, out var found))
            {
                continue;
            }

            try
            {
                shown[mapping.Sku] = new ShownQuantity(EtsyInventory.Shown(found.Inventory, found.State, listing), found.ModifiedAt);
            }
            catch (ChannelRequestException)
            {
                // The listing no longer has the mapped product: the mapping audit's MissingListing, not a quantity.
            }
        }

        return new ChannelQuantities(shown, requests);
    }
}

/// <summary>The mapping audit's read of Etsy: every product of every listing, keyed as receipts name them.</summary>
public sealed class EtsyCatalogReader(EtsyShopListings shop) : IChannelCatalogReader
{
    public Channel Channel => Channel.Etsy;

    public async Task<ChannelCatalog> ReadAsync(CancellationToken cancellationToken)
    {
        var (listings, requests) = await shop.ReadAllAsync(cancellationToken);
        var entries = listings
            .SelectMany(l => l.Skus.Select(sku => new CatalogListing(EtsyListing.KeyFor(l.ListingId, sku), sku, l.Title, l.ListingId.ToString(System.Globalization.CultureInfo.InvariantCulture))))
            .ToList();
        return new ChannelCatalog(Channel.Etsy, entries, requests);
    }
}

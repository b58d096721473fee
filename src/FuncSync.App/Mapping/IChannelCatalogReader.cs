using FuncSync.Domain;
using FuncSync.Ledger;

namespace FuncSync.Mapping;

/// <summary>A channel's "read" capability for the mapping audit: every listing or variation it sells, whatever
/// FuncSync knows of them.</summary>
public interface IChannelCatalogReader
{
    Channel Channel { get; }

    Task<ChannelCatalog> ReadAsync(CancellationToken cancellationToken);
}

/// <param name="Listings">Every sellable unit, keyed the way the channel reports sales (the SKU map's reverse rows).</param>
public sealed record ChannelCatalog(Channel Channel, IReadOnlyList<CatalogListing> Listings, int Requests);

/// <param name="Parent">The product or listing it belongs to (a Shopify product id, an Etsy listing id).</param>
public sealed record CatalogListing(ListingRef Listing, string? Sku, string Title, string Parent);

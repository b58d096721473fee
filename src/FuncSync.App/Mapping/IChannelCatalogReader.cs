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
public sealed record CatalogListing(ListingRef Listing, string? Sku, string Title, string Parent)
{
    /// <summary>Whether the channel stops selling this listing at 0, where the channel lets a seller turn that off;
    /// null where it cannot be turned off or was not read.</summary>
    public StockGuard? Guard { get; init; }
}

/// <summary>What makes a channel stop selling at 0. With tracking off, or selling allowed past 0, every 0 FuncSync
/// writes is a promise the channel does not keep.</summary>
/// <param name="Tracked">The channel counts the listing's stock (Shopify's "Track quantity", Square's "Track inventory").</param>
/// <param name="SellsPastZero">The channel keeps selling at 0 (Shopify's CONTINUE inventory policy).</param>
/// <param name="Remedy">The seller's next step on this channel, in its own words and settings: only the channel knows
/// where the switch is and whether FuncSync can throw it.</param>
public sealed record StockGuard(bool Tracked, bool SellsPastZero, string Remedy)
{
    public bool Holds => Tracked && !SellsPastZero;
}

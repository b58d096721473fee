using FuncSync.Catalog;
using FuncSync.Domain;
using FuncSync.Ledger;
using FuncSync.Mapping;
using FuncSync.Reconciliation;

namespace FuncSync.Amazon;

/// <summary>Reconciliation's read of Amazon: <c>searchListingsItems</c> by SKU, 20 a request, the merchant-fulfilled
/// quantity of each.</summary>
public sealed class AmazonQuantityReader(AmazonApi amazon) : IChannelQuantityReader
{
    public const int BatchSize = 20;

    public Channel Channel => Channel.Amazon;

    public async Task<ChannelQuantities> ReadAsync(IReadOnlyList<SkuMapping> mappings, CancellationToken cancellationToken)
    {
        var shown = new Dictionary<string, ShownQuantity>(StringComparer.Ordinal);
        var requests = 0;
        foreach (var batch in mappings.Where(m => m.Amazon is not null).Chunk(BatchSize))
        {
            var (items, _) = await amazon.SearchListingsItemsAsync([.. batch.Select(m => m.Amazon!.SellerSku).Distinct(StringComparer.Ordinal)], null, cancellationToken);
            requests++;
            foreach (var mapping in batch)
            {
                if (items.FirstOrDefault(i => i.Sku == mapping.Amazon!.SellerSku) is { } item)
                {
                    shown[mapping.Sku] = new ShownQuantity(item.Quantity, null);
                }
            }
        }

        return new ChannelQuantities(shown, requests);
    }
}

/// <summary>The mapping audit's read of Amazon: every listing of the seller, 20 a page. A listing with no
/// merchant-fulfilled entry sells only Amazon's FBA stock, which FuncSync does not write: its guard says so.</summary>
public sealed class AmazonCatalogReader(AmazonApi amazon) : IChannelCatalogReader
{
    public Channel Channel => Channel.Amazon;

    public async Task<ChannelCatalog> ReadAsync(CancellationToken cancellationToken)
    {
        var listings = new List<CatalogListing>();
        var requests = 0;
        string? next = null;
        do
        {
            var (items, token) = await amazon.SearchListingsItemsAsync(null, next, cancellationToken);
            requests++;
            listings.AddRange(items.Select(i => new CatalogListing(new ListingRef(Channel.Amazon, i.Sku), i.Sku, i.Title ?? i.Sku, i.Sku)
            {
                Guard = new StockGuard(
                    i.MerchantQuantity is not null,
                    SellsPastZero: false,
                    "In Seller Central, give the listing a merchant-fulfilled offer (fulfillment channel DEFAULT) or unmap it: FuncSync never writes Amazon's FBA stock."),
            }));
            next = token;
        }
        while (next is not null);

        return new ChannelCatalog(Channel.Amazon, listings, requests);
    }
}

using FuncSync.Catalog;
using FuncSync.Domain;
using FuncSync.Mapping;
using FuncSync.Reconciliation;

namespace FuncSync.WooCommerce;

/// <summary>Reconciliation's read of WooCommerce: each mapped product or variation. WooCommerce can filter products by
/// id (<c>include</c>) but not variations across products, so a read per listing keeps it one shape; a seller's own
/// website carries tens to hundreds of mapped SKUs, read once per reconciliation.</summary>
public sealed class WooCommerceQuantityReader(WooCommerceApi woo) : IChannelQuantityReader
{
    public Channel Channel => Channel.WooCommerce;

    public async Task<ChannelQuantities> ReadAsync(IReadOnlyList<SkuMapping> mappings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mappings);
        var shown = new Dictionary<string, ShownQuantity>(StringComparer.Ordinal);
        var requests = 0;
        foreach (var mapping in mappings.Where(m => m.WooCommerce is not null))
        {
            var stock = await woo.GetStockAsync(mapping.WooCommerce!, cancellationToken);
            requests++;
            if (stock is not null)
            {
                shown[mapping.Sku] = new ShownQuantity(WooCommerceInventory.Shown(stock), stock.Modified);
            }
        }

        return new ChannelQuantities(shown, requests);
    }
}

/// <summary>The mapping audit's read of WooCommerce: every product, a page at a time, and the variations of each
/// variable product. A product or variation whose stock WooCommerce does not manage, or that allows backorders, keeps
/// selling at 0: its guard says so and the audit alerts it (as Shopify's "Track quantity" and "Continue selling").</summary>
public sealed class WooCommerceCatalogReader(WooCommerceApi woo) : IChannelCatalogReader
{
    private const string Remedy =
        "In WordPress, open the product's Inventory tab (for a variation, the variation's own settings), tick \"Manage stock?\" and set \"Allow backorders?\" to \"Do not allow\".";

    public Channel Channel => Channel.WooCommerce;

    public async Task<ChannelCatalog> ReadAsync(CancellationToken cancellationToken)
    {
        var listings = new List<CatalogListing>();
        var requests = 0;
        var pages = 1;
        for (var page = 1; page <= pages; page++)
        {
            var (products, total) = await woo.ListProductsAsync(page, cancellationToken);
            requests++;
            pages = total;
            foreach (var product in products.Select(p => p is null ? null : WooStock.From(p)).OfType<WooStock>())
            {
                if (product.Type != "variable")
                {
                    listings.Add(Listed(product, product.Id));
                    continue;
                }

                var variationPages = 1;
                for (var v = 1; v <= variationPages; v++)
                {
                    var (variations, totalVariations) = await woo.ListVariationsAsync(product.Id, v, cancellationToken);
                    requests++;
                    variationPages = totalVariations;
                    listings.AddRange(variations.Select(x => x is null ? null : WooStock.From(x)).OfType<WooStock>().Select(x => Listed(x, product.Id)));
                }
            }
        }

        return new ChannelCatalog(Channel.WooCommerce, listings, requests);
    }

    private static CatalogListing Listed(WooStock stock, long productId) =>
        new(WooCommerceListing.KeyFor(stock.Id), stock.Sku, stock.Name, productId.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            Guard = new StockGuard(stock.ManageStock, stock.SellsPastZero, Remedy),
        };
}

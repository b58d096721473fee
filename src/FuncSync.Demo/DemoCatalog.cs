using System.Globalization;
using CsvHelper;
using FuncSync.Amazon;
using FuncSync.Catalog;
using FuncSync.Etsy;
using FuncSync.Shopify;
using FuncSync.Simulators.Amazon;
using FuncSync.Simulators.Etsy;
using FuncSync.Simulators.Shopify;
using FuncSync.Simulators.Square;
using FuncSync.Square;

namespace FuncSync.Demo;

/// <summary>The demo's handmade shop: the SKU map rows plus the prices the simulated channels list.</summary>
public sealed record DemoCatalog(IReadOnlyList<SkuMapRow> Rows, IReadOnlyDictionary<string, decimal> Prices)
{
    public static DemoCatalog Load(string path)
    {
        using var mapReader = new StreamReader(path);
        var rows = SkuMapCsv.Read(mapReader);
        using var priceReader = new StreamReader(path);
        using var csv = new CsvReader(priceReader, CultureInfo.InvariantCulture);
        var prices = csv.GetRecords<PriceRow>().ToDictionary(r => r.Sku, r => r.Price, StringComparer.Ordinal);
        return new DemoCatalog(rows, prices);
    }

    /// <summary>The SKU's listed price, or null to leave the channel its default.</summary>
    public decimal? PriceOf(string sku) => Prices.TryGetValue(sku, out var price) ? price : null;

    /// <summary>Lists every item on the simulated channels with the catalog's starting quantities (on Square, all of
    /// them at the market stall) and its price, so the orders carry what the margin report counts as revenue.</summary>
    public void Stock(ShopifySimulator shopify, EtsySimulator etsy, SquareSimulator? square = null, AmazonSimulator? amazon = null)
    {
        foreach (var row in amazon is null ? [] : Rows.Where(r => r.Mapping.Amazon is not null))
        {
            amazon!.AddListing(row.Mapping.Amazon!.SellerSku, row.Quantity ?? 0, leadTimeToShipMaxDays: 3, title: row.Mapping.Title, price: PriceOf(row.Mapping.Sku));
        }

        foreach (var row in square is null ? [] : Rows.Where(r => r.Mapping.Square is not null))
        {
            square!.AddVariation(row.Mapping.Square!.VariationId, row.Mapping.Sku, row.Mapping.Title, new Dictionary<string, int> { [DemoStall.Location] = row.Quantity ?? 0 }, price: Prices[row.Mapping.Sku]);
        }

        foreach (var row in Rows)
        {
            var s = row.Mapping.Shopify!;
            shopify.AddVariant(s.ProductId ?? s.VariantId, s.VariantId, s.InventoryItemId, s.LocationId, row.Mapping.Sku, row.Quantity ?? 0, row.Mapping.Title, Prices[row.Mapping.Sku]);
        }

        foreach (var listing in Rows.GroupBy(r => r.Mapping.Etsy!.ListingId))
        {
            var variations = listing.Count() > 1;
            var products = listing.Select((row, i) => new EtsySimProduct(
                row.Mapping.Etsy!.Sku,
                row.Quantity ?? 0,
                Prices[row.Mapping.Sku],
                variations ? [new EtsySimPropertyValue(100, "Ring size", 1000 + i, row.Mapping.Title.Split(' ')[^1])] : [])).ToList();
            etsy.AddListing(listing.Key, listing.First().Mapping.Title.Split(',')[0], products);
        }
    }

    private sealed class PriceRow
    {
        [CsvHelper.Configuration.Attributes.Name("sku")]
        public string Sku { get; set; } = string.Empty;

        [CsvHelper.Configuration.Attributes.Name("price")]
        public decimal Price { get; set; }
    }
}

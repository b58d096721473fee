using System.Globalization;
using FuncSync.Catalog;
using FuncSync.Channels;
using FuncSync.Domain;
using FuncSync.Ledger;

namespace FuncSync.WooCommerce;

/// <summary>A WooCommerce simple product, or one variation of a variable product. Order lines name it by product id and
/// variation id; WordPress numbers both from one sequence of posts, so the id of whatever holds the stock (the
/// variation, else the product) is the key.</summary>
public sealed record WooCommerceListing(long ProductId, long? VariationId) : ChannelListing
{
    public override Channel Channel => Channel.WooCommerce;

    public override ListingRef Ref => KeyFor(StockId);

    public override string? Parent => ProductId.ToString(CultureInfo.InvariantCulture);

    /// <summary>The post whose <c>stock_quantity</c> FuncSync reads and writes.</summary>
    public long StockId => VariationId ?? ProductId;

    public static ListingRef KeyFor(long stockId) => new(Channel.WooCommerce, stockId.ToString(CultureInfo.InvariantCulture));

    public override IReadOnlyDictionary<string, object> Values()
    {
        var values = new Dictionary<string, object>(StringComparer.Ordinal) { [WooCommerceListingSchema.ProductId.Name] = ProductId };
        if (VariationId is { } variation)
        {
            values[WooCommerceListingSchema.VariationId.Name] = variation;
        }

        return values;
    }
}

public sealed class WooCommerceListingSchema() : ListingSchema(Channel.WooCommerce, ProductId, [ProductId, VariationId])
{
    public static readonly ListingField ProductId = new("wooProductId", "woo_product_id", "WooProductId", "WooCommerce product id", ListingFieldType.Number);
    public static readonly ListingField VariationId = new("wooVariationId", "woo_variation_id", "WooVariationId", "WooCommerce variation id (variable products)", ListingFieldType.Number);

    protected override ChannelListing? Create(IReadOnlyDictionary<string, object> values, Action<ListingField, string> report) =>
        new WooCommerceListing(Number(values, ProductId), OptionalNumber(values, VariationId));
}

/// <summary>A SKU's WooCommerce listing, for code inside the WooCommerce module.</summary>
public static class WooCommerceMappingExtensions
{
    extension(SkuMapping mapping)
    {
        public WooCommerceListing? WooCommerce => mapping.On<WooCommerceListing>(Channel.WooCommerce);
    }
}

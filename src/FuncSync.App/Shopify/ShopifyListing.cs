using System.Globalization;
using FuncSync.Catalog;
using FuncSync.Channels;
using FuncSync.Domain;
using FuncSync.Ledger;

namespace FuncSync.Shopify;

/// <summary>A Shopify variant: sales name the variant, stock lives on the inventory item at a location.</summary>
/// <param name="ProductId">The variant's product, when known; products/update webhooks name it.</param>
public sealed record ShopifyListing(long VariantId, long InventoryItemId, long LocationId, long? ProductId = null) : ChannelListing
{
    public override Channel Channel => Channel.Shopify;

    public override ListingRef Ref => new(Channel.Shopify, VariantId.ToString(CultureInfo.InvariantCulture));

    public override string? Parent => ProductId?.ToString(CultureInfo.InvariantCulture);

    public override IReadOnlyDictionary<string, object> Values()
    {
        var values = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [ShopifyListingSchema.VariantId.Name] = VariantId,
            [ShopifyListingSchema.InventoryItemId.Name] = InventoryItemId,
            [ShopifyListingSchema.LocationId.Name] = LocationId,
        };
        if (ProductId is { } product)
        {
            values[ShopifyListingSchema.ProductId.Name] = product;
        }

        return values;
    }
}

/// <summary>Shopify's listing fields, named as the SKU map has always stored them (table properties and CSV columns).</summary>
public sealed class ShopifyListingSchema() : ListingSchema(Channel.Shopify, VariantId, [ProductId, VariantId, InventoryItemId, LocationId])
{
    public static readonly ListingField ProductId = new("shopifyProductId", "shopify_product_id", "ShopifyProductId", "Shopify product id", ListingFieldType.Number);
    public static readonly ListingField VariantId = new("shopifyVariantId", "shopify_variant_id", "ShopifyVariantId", "Shopify variant id", ListingFieldType.Number);
    public static readonly ListingField InventoryItemId = new("shopifyInventoryItemId", "shopify_inventory_item_id", "ShopifyInventoryItemId", "Shopify inventory item id", ListingFieldType.Number);
    public static readonly ListingField LocationId = new("shopifyLocationId", "shopify_location_id", "ShopifyLocationId", "Shopify location id", ListingFieldType.Number);

    protected override ChannelListing? Create(IReadOnlyDictionary<string, object> values, Action<ListingField, string> report) =>
        Require(values, report, InventoryItemId, LocationId)
            ? new ShopifyListing(Number(values, VariantId), Number(values, InventoryItemId), Number(values, LocationId), OptionalNumber(values, ProductId))
            : null;
}

/// <summary>A SKU's Shopify variant, for code inside the Shopify module.</summary>
public static class ShopifyMappingExtensions
{
    extension(SkuMapping mapping)
    {
        public ShopifyListing? Shopify => mapping.On<ShopifyListing>(Channel.Shopify);
    }
}

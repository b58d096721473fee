using FuncSync.Catalog;
using FuncSync.Channels;
using FuncSync.Domain;
using FuncSync.Ledger;

namespace FuncSync.Ebay;

/// <summary>An eBay inventory item: the Inventory API, its offers and the Fulfillment API's line items all name it by
/// the seller's SKU on eBay; its offer and listing are read from eBay, never stored twice.</summary>
public sealed record EbayListing(string Sku) : ChannelListing
{
    public override Channel Channel => Channel.Ebay;

    public override ListingRef Ref => new(Channel.Ebay, Sku);

    public override string? Parent => null;

    public override IReadOnlyDictionary<string, object> Values() =>
        new Dictionary<string, object>(StringComparer.Ordinal) { [EbayListingSchema.Sku.Name] = Sku };
}

public sealed class EbayListingSchema() : ListingSchema(Channel.Ebay, Sku, [Sku])
{
    public static readonly ListingField Sku = new("ebaySku", "ebay_sku", "EbaySku", "eBay inventory item SKU", ListingFieldType.Text);

    protected override ChannelListing? Create(IReadOnlyDictionary<string, object> values, Action<ListingField, string> report) =>
        new EbayListing(Text(values, Sku));
}

/// <summary>A SKU's eBay inventory item, for code inside the eBay module.</summary>
public static class EbayMappingExtensions
{
    extension(SkuMapping mapping)
    {
        public EbayListing? Ebay => mapping.On<EbayListing>(Channel.Ebay);
    }
}

using FuncSync.Catalog;
using FuncSync.Channels;
using FuncSync.Domain;
using FuncSync.Ledger;

namespace FuncSync.Amazon;

/// <summary>An Amazon listing, by the seller's SKU: the Listings Items API addresses it by SKU, and orders name it by
/// <c>SellerSKU</c>. The seller's Amazon SKU may differ from FuncSync's.</summary>
public sealed record AmazonListing(string SellerSku) : ChannelListing
{
    public override Channel Channel => Channel.Amazon;

    public override ListingRef Ref => new(Channel.Amazon, SellerSku);

    public override string? Parent => null;

    public override IReadOnlyDictionary<string, object> Values() =>
        new Dictionary<string, object>(StringComparer.Ordinal) { [AmazonListingSchema.SellerSku.Name] = SellerSku };
}

public sealed class AmazonListingSchema() : ListingSchema(Channel.Amazon, SellerSku, [SellerSku])
{
    public static readonly ListingField SellerSku = new("amazonSellerSku", "amazon_seller_sku", "AmazonSellerSku", "Amazon seller SKU", ListingFieldType.Text);

    protected override ChannelListing? Create(IReadOnlyDictionary<string, object> values, Action<ListingField, string> report) =>
        new AmazonListing(Text(values, SellerSku));
}

/// <summary>A SKU's Amazon listing, for code inside the Amazon module.</summary>
public static class AmazonMappingExtensions
{
    extension(SkuMapping mapping)
    {
        public AmazonListing? Amazon => mapping.On<AmazonListing>(Channel.Amazon);
    }
}

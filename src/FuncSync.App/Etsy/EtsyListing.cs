using System.Globalization;
using FuncSync.Catalog;
using FuncSync.Channels;
using FuncSync.Domain;
using FuncSync.Ledger;

namespace FuncSync.Etsy;

/// <summary>A product of an Etsy listing. Etsy renumbers product and offering ids on every inventory
/// update, so the product is found by its SKU within the listing.</summary>
public sealed record EtsyListing(long ListingId, string Sku) : ChannelListing
{
    public override Channel Channel => Channel.Etsy;

    public override ListingRef Ref => KeyFor(ListingId, Sku);

    public override string? Parent => ListingId.ToString(CultureInfo.InvariantCulture);

    public static ListingRef KeyFor(long listingId, string? sku) =>
        new(Channel.Etsy, string.Create(CultureInfo.InvariantCulture, $"{listingId}:{sku}"));

    public override IReadOnlyDictionary<string, object> Values()
    {
        var values = new Dictionary<string, object>(StringComparer.Ordinal) { [EtsyListingSchema.ListingId.Name] = ListingId };
        if (Sku.Length > 0)
        {
            values[EtsyListingSchema.Sku.Name] = Sku;
        }

        return values;
    }
}

/// <summary>Etsy's listing fields, named as the SKU map has always stored them (table properties and CSV columns).</summary>
public sealed class EtsyListingSchema() : ListingSchema(Channel.Etsy, ListingId, [ListingId, Sku])
{
    public static readonly ListingField ListingId = new("etsyListingId", "etsy_listing_id", "EtsyListingId", "Etsy listing id", ListingFieldType.Number);
    public static readonly ListingField Sku = new("etsySku", "etsy_sku", "EtsySku", "Etsy product SKU", ListingFieldType.Text);

    protected override ChannelListing? Create(IReadOnlyDictionary<string, object> values, Action<ListingField, string> report) =>
        new EtsyListing(Number(values, ListingId), Text(values, Sku));
}

/// <summary>A SKU's Etsy listing, for code inside the Etsy module.</summary>
public static class EtsyMappingExtensions
{
    extension(SkuMapping mapping)
    {
        public EtsyListing? Etsy => mapping.On<EtsyListing>(Channel.Etsy);
    }
}

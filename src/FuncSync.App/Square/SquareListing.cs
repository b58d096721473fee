using FuncSync.Catalog;
using FuncSync.Channels;
using FuncSync.Domain;
using FuncSync.Ledger;

namespace FuncSync.Square;

/// <summary>A Square item variation: sales (order lines) and counts name it by its catalog object id; its stock is the
/// sum over the seller's configured locations.</summary>
public sealed record SquareListing(string VariationId) : ChannelListing
{
    public override Channel Channel => Channel.Square;

    public override ListingRef Ref => new(Channel.Square, VariationId);

    public override string? Parent => null;

    public override IReadOnlyDictionary<string, object> Values() =>
        new Dictionary<string, object>(StringComparer.Ordinal) { [SquareListingSchema.VariationId.Name] = VariationId };
}

public sealed class SquareListingSchema() : ListingSchema(Channel.Square, VariationId, [VariationId])
{
    public static readonly ListingField VariationId = new("squareVariationId", "square_variation_id", "SquareVariationId", "Square item variation id", ListingFieldType.Text);

    protected override ChannelListing? Create(IReadOnlyDictionary<string, object> values, Action<ListingField, string> report) =>
        new SquareListing(Text(values, VariationId));
}

/// <summary>A SKU's Square variation, for code inside the Square module.</summary>
public static class SquareMappingExtensions
{
    extension(SkuMapping mapping)
    {
        public SquareListing? Square => mapping.On<SquareListing>(Channel.Square);
    }
}

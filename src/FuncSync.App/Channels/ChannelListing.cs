using FuncSync.Domain;
using FuncSync.Ledger;

namespace FuncSync.Channels;

/// <summary>The listing that carries a SKU on one channel: a channel module's own record (a Shopify variant, an
/// Etsy listing's product), described to the rest of FuncSync by its <see cref="ListingSchema"/>.</summary>
public abstract record ChannelListing
{
    public abstract Channel Channel { get; }

    /// <summary>The key the channel's sales name the listing by (the SKU map's reverse row).</summary>
    public abstract ListingRef Ref { get; }

    /// <summary>The product or listing it belongs to, as the channel's product notices name it (a Shopify product
    /// id, an Etsy listing id); null when not known.</summary>
    public abstract string? Parent { get; }

    /// <summary>The listing's field values by <see cref="ListingField.Name"/>: numbers as <see cref="long"/>, text
    /// as <see cref="string"/>; an unset optional field is absent.</summary>
    public abstract IReadOnlyDictionary<string, object> Values();
}

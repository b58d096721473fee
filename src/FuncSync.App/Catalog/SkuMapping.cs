using FuncSync.Channels;
using FuncSync.Domain;
using FuncSync.Domain.Ledger;
using FuncSync.Ledger;

namespace FuncSync.Catalog;

/// <summary>One internal SKU and the listing that carries it on each channel.</summary>
/// <param name="Components">Empty for a SKU with stock of its own; otherwise the parts a bundle, kit
/// or made-to-order listing is made of, from which its quantity is derived.</param>
public sealed record SkuMapping(string Sku, string Title, IReadOnlyList<Component>? Components = null)
{
    private readonly IReadOnlyDictionary<Channel, ChannelListing> _listings = new Dictionary<Channel, ChannelListing>();

    /// <param name="listings">At most one per channel; a null entry is no listing.</param>
    public SkuMapping(string sku, string title, IEnumerable<ChannelListing?> listings, IReadOnlyList<Component>? components = null)
        : this(sku, title, components)
    {
        ChannelListings = listings.OfType<ChannelListing>().ToList();
    }

    /// <summary>The SKU's listing on each channel it is sold on, in channel order.</summary>
    public IReadOnlyList<ChannelListing> ChannelListings
    {
        get => [.. _listings.Values.OrderBy(l => l.Channel)];
        init => _listings = value.ToDictionary(l => l.Channel);
    }

    public IReadOnlyList<Component> Parts => Components ?? [];

    /// <summary>The composed SKUs that use this one as a part, as the SKU map knows them.</summary>
    public IReadOnlyList<string> UsedBy { get; init; } = [];

    public bool IsComposed => Parts.Count > 0;

    /// <summary>Days from ordering new stock to having it (the <c>lead_time_days</c> column); null: the setting's default.</summary>
    public int? LeadTimeDays { get; init; }

    /// <summary>At or below this a low-stock alert is raised (the <c>low_stock</c> column); null: the setting's default.</summary>
    public int? LowStock { get; init; }

    /// <summary>Made to order (the <c>made_to_order</c> column): every channel shows this many, fewer only when the
    /// materials it is made of run short; its own sales are committed and shipped as usual but can never oversell it
    /// or run it low. Null: stock of its own (or a bundle's).</summary>
    public int? MadeToOrder { get; init; }

    /// <summary>The seller's labels for the SKU (the <c>tags</c> column, ";"-separated): a collection, a drop, a
    /// shelf. A launch can name a tag instead of listing SKUs.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>What one unit costs the seller to make or buy (the <c>unit_cost</c> column), in the shop's currency; for a
    /// bundle or made-to-order piece, the extra on top of its components' costs (see <see cref="Domain.Costing.UnitCost"/>).
    /// Null: not known.</summary>
    public decimal? UnitCost { get; init; }

    /// <summary>Made to order with no materials listed: nothing of its own can run out.</summary>
    public bool IsUnlimited => MadeToOrder is not null && !IsComposed;

    public IEnumerable<Channel> Channels => _listings.Keys.Order();

    public IEnumerable<ListingRef> Listings => ChannelListings.Select(l => l.Ref);

    /// <summary>The listing on <paramref name="channel"/>, or null when the SKU is not sold there.</summary>
    public ChannelListing? On(Channel channel) => _listings.GetValueOrDefault(channel);

    /// <summary>A channel module's own listing record, or null when the SKU is not sold there.</summary>
    public T? On<T>(Channel channel)
        where T : ChannelListing => On(channel) as T;

    public ListingRef ListingOn(Channel channel) =>
        On(channel)?.Ref ?? throw new InvalidOperationException($"SKU {Sku} is not mapped on {channel}.");

    public bool Equals(SkuMapping? other) =>
        other is not null
        && Sku == other.Sku && Title == other.Title
        && Parts.SequenceEqual(other.Parts) && ChannelListings.SequenceEqual(other.ChannelListings)
        && UsedBy.SequenceEqual(other.UsedBy) && LeadTimeDays == other.LeadTimeDays && LowStock == other.LowStock
        && MadeToOrder == other.MadeToOrder && Tags.SequenceEqual(other.Tags, StringComparer.Ordinal) && UnitCost == other.UnitCost;

    public override int GetHashCode() => HashCode.Combine(Sku, Title);
}

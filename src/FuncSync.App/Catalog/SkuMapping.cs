using System.Globalization;
using FuncSync.Domain;
using FuncSync.Domain.Ledger;
using FuncSync.Ledger;

namespace FuncSync.Catalog;

/// <summary>One internal SKU and the listing that carries it on each channel.</summary>
/// <param name="Components">Empty for a SKU with stock of its own; otherwise the parts a bundle, kit
/// or made-to-order listing is made of, from which its quantity is derived.</param>
public sealed record SkuMapping(string Sku, string Title, ShopifyListing? Shopify, EtsyListing? Etsy, IReadOnlyList<Component>? Components = null)
{
    public IReadOnlyList<Component> Parts => Components ?? [];

    /// <summary>The composed SKUs that use this one as a part, as the SKU map knows them.</summary>
    public IReadOnlyList<string> UsedBy { get; init; } = [];

    public bool IsComposed => Parts.Count > 0;

    /// <summary>Days from ordering new stock to having it (the <c>lead_time_days</c> column); null: the setting's default.</summary>
    public int? LeadTimeDays { get; init; }

    /// <summary>At or below this a low-stock alert is raised (the <c>low_stock</c> column); null: the setting's default.</summary>
    public int? LowStock { get; init; }

    public IEnumerable<Channel> Channels
    {
        get
        {
            if (Shopify is not null)
            {
                yield return Channel.Shopify;
            }

            if (Etsy is not null)
            {
                yield return Channel.Etsy;
            }
        }
    }

    public IEnumerable<ListingRef> Listings => Channels.Select(ListingOn);

    public ListingRef ListingOn(Channel channel) => channel switch
    {
        Channel.Shopify when Shopify is not null => Shopify.Ref,
        Channel.Etsy when Etsy is not null => Etsy.Ref,
        _ => throw new InvalidOperationException($"SKU {Sku} is not mapped on {channel}."),
    };
}

/// <summary>A Shopify variant: sales name the variant, stock lives on the inventory item at a location.</summary>
/// <param name="ProductId">The variant's product, when known; products/update webhooks name it.</param>
public sealed record ShopifyListing(long VariantId, long InventoryItemId, long LocationId, long? ProductId = null)
{
    public ListingRef Ref => new(Channel.Shopify, VariantId.ToString(CultureInfo.InvariantCulture));
}

/// <summary>A product of an Etsy listing. Etsy renumbers product and offering ids on every inventory
/// update, so the product is found by its SKU within the listing.</summary>
public sealed record EtsyListing(long ListingId, string Sku)
{
    public ListingRef Ref => KeyFor(ListingId, Sku);

    public static ListingRef KeyFor(long listingId, string? sku) =>
        new(Channel.Etsy, string.Create(CultureInfo.InvariantCulture, $"{listingId}:{sku}"));
}

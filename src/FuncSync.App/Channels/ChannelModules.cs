using FuncSync.Domain;

namespace FuncSync.Channels;

/// <summary>Every channel FuncSync can serve. A new channel is one line here (and its <see cref="Channel"/> member).</summary>
public static class ChannelModules
{
    public static IReadOnlyList<IChannelModule> All { get; } =
    [
        new Shopify.ShopifyModule(),
        new Etsy.EtsyModule(),
        new Square.SquareModule(),
        new WooCommerce.WooCommerceModule(),
        new Ebay.EbayModule(),
        new Amazon.AmazonModule(),
    ];

    public static IChannelModule Of(Channel channel) =>
        All.FirstOrDefault(m => m.Channel == channel) ?? throw new InvalidOperationException($"No channel module serves {channel}.");

    /// <summary>The schemas of every channel, enabled or not: the SKU map keeps a listing of a channel turned off.</summary>
    public static IEnumerable<ListingSchema> Schemas => All.Select(m => m.Listing);
}

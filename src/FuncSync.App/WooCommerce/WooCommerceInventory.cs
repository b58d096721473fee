using System.Globalization;
using FuncSync.Catalog;
using FuncSync.Domain;
using FuncSync.Push;

namespace FuncSync.WooCommerce;

/// <summary>The push's read and write of WooCommerce. WooCommerce sets stock absolutely and has no compare-and-set
/// (atomic increments, woocommerce/woocommerce #21808, were closed unbuilt), and its own checkouts can race each other
/// below zero (#44273). So pushes of one product run one at a time (<see cref="WriteUnit"/>), the stock is read again
/// just before the write and the write is refused as stale when a buyer moved it since the push's read (the push
/// re-reads and keeps the difference as that buyer's sale), and the push reads the write back. A sale that slips
/// between the last read and the write is overwritten on WooCommerce, but its order still reaches the ledger, whose
/// next push writes the lower figure.</summary>
public sealed class WooCommerceInventory(WooCommerceApi woo) : IChannelInventory
{
    public Channel Channel => Channel.WooCommerce;

    public async Task<ChannelStock> ReadAsync(SkuMapping mapping, CancellationToken cancellationToken)
    {
        var stock = await ReadStockAsync(Listing(mapping), cancellationToken);
        return new ChannelStock(Shown(stock), stock);
    }

    public async Task WriteAsync(SkuMapping mapping, ChannelStock current, int quantity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(current);
        var listing = Listing(mapping);
        var before = await ReadStockAsync(listing, cancellationToken);
        if (Shown(before) != current.Quantity)
        {
            throw new StaleChannelQuantityException(string.Create(CultureInfo.InvariantCulture, $"WooCommerce stock of {mapping.Sku} moved from {current.Quantity} to {Shown(before)} since it was read."));
        }

        // The push reads the listing back under the same lease: less than written is a buyer after the write.
        await woo.SetStockAsync([(listing, quantity)], cancellationToken);
    }

    /// <summary>The product: a write to a variation and one to its siblings must not interleave their reads and writes.</summary>
    public string? WriteUnit(SkuMapping mapping) =>
        "woocommerce:" + Listing(mapping).ProductId.ToString(CultureInfo.InvariantCulture);

    /// <summary>What buyers can take: the stock when WooCommerce manages it (below zero after a checkout race), and 0
    /// when it does not (FuncSync's figure is then not what the shop sells by; the mapping audit reports it).</summary>
    public static int Shown(WooStock stock)
    {
        ArgumentNullException.ThrowIfNull(stock);
        return stock.ManageStock ? stock.Quantity ?? 0 : 0;
    }

    private async Task<WooStock> ReadStockAsync(WooCommerceListing listing, CancellationToken cancellationToken) =>
        await woo.GetStockAsync(listing, cancellationToken)
        ?? throw new ChannelRequestException(string.Create(CultureInfo.InvariantCulture, $"WooCommerce has no {(listing.VariationId is null ? "product" : "variation")} {listing.StockId}."));

    internal static WooCommerceListing Listing(SkuMapping mapping) =>
        mapping.WooCommerce ?? throw new InvalidOperationException($"{mapping.Sku} has no WooCommerce listing.");
}

using System.Globalization;
using FuncSync.Domain.Ledger;
using FuncSync.Etsy;
using FuncSync.Ledger;
using FuncSync.Shopify;
using FuncSync.Simulators.Etsy;
using FuncSync.Simulators.Shopify;

namespace FuncSync.Demo;

/// <summary>Simulated buyers: every few seconds someone buys a unit on Shopify or Etsy. When the shop
/// sells out, the maker receives a fresh batch of every piece, and it flows to every channel like any change.</summary>
internal sealed class DemoBuyers(ShopifySimulator shopify, EtsySimulator etsy, DemoCatalog catalog, InventoryEventSender events, TimeProvider time, ILogger logger)
{
    // How long a fresh batch may take to show on Shopify before the maker would restock again.
    private static readonly TimeSpan RestockShows = TimeSpan.FromSeconds(30);

    // Seeded: the demo tells the same story every run.
    private readonly Random _random = new(2026);

    public async Task RunAsync(CancellationToken stopping)
    {
        var restocks = 0;
        while (!stopping.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(_random.Next(2_000, 5_000)), time, stopping);
            var onShopify = _random.Next(2) == 0;
            var candidates = catalog.Rows
                .Where(r => onShopify
                    ? shopify.GetAvailable(r.Mapping.Shopify!.InventoryItemId, r.Mapping.Shopify!.LocationId) > 0
                    : etsy.GetQuantity(r.Mapping.Etsy!.ListingId, r.Mapping.Etsy!.Sku) > 0 && etsy.GetListingState(r.Mapping.Etsy!.ListingId) == "active")
                .ToList();
            if (candidates.Count == 0)
            {
                if (ShopifySoldOut())
                {
                    restocks++;
                    logger.LogInformation("Demo: the shop sold out; the maker receives a fresh batch (restock {Restock})", restocks);
                    await ReceiveBatchAsync(restocks, stopping);
                }

                continue;
            }

            var row = candidates[_random.Next(candidates.Count)];
            if (onShopify)
            {
                var order = await shopify.PlaceOrderAsync([(row.Mapping.Shopify!.VariantId, 1)], stopping);
                logger.LogInformation("Demo buyer: bought {Sku} on Shopify (webhook answered {Status})", row.Mapping.Sku, order?.WebhookStatus);
            }
            else
            {
                etsy.PlaceOrder(row.Mapping.Etsy!.ListingId, row.Mapping.Etsy!.Sku, 1);
                logger.LogInformation("Demo buyer: bought {Sku} on Etsy (FuncSync sees it at the next poll)", row.Mapping.Sku);
            }
        }
    }

    private bool ShopifySoldOut() =>
        catalog.Rows.All(r => shopify.GetAvailable(r.Mapping.Shopify!.InventoryItemId, r.Mapping.Shopify!.LocationId) == 0);

    /// <summary>New stock is a receipt (on hand up), not a count: the demo never ships what it sells, so a count of the
    /// catalog's numbers would leave every unit committed to those open orders and nothing available.</summary>
    private async Task ReceiveBatchAsync(int restock, CancellationToken stopping)
    {
        var now = time.GetUtcNow();
        foreach (var row in catalog.Rows.Where(r => r.Quantity is > 0))
        {
            var eventId = string.Create(CultureInfo.InvariantCulture, $"demo-receipt-{now:yyyyMMddHHmmss}-{restock}-{row.Mapping.Sku}");
            await events.SendAsync(new InventoryEventReceived(eventId, InventoryEventKind.Receipt, "demo", null, row.Mapping.Sku, row.Quantity!.Value, now, now, $"restock {restock}", "received"), stopping);
        }

        // The batch reaches Shopify through the queue and the pushes; until it shows, the shop still looks sold out.
        var until = now + RestockShows;
        while (ShopifySoldOut() && time.GetUtcNow() < until)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), time, stopping);
        }
    }
}

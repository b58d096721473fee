using System.Globalization;
using FuncSync.Catalog;
using FuncSync.Etsy;
using FuncSync.Shopify;
using FuncSync.Simulators.Etsy;
using FuncSync.Simulators.Shopify;

namespace FuncSync.Demo;

/// <summary>Simulated buyers: every few seconds someone buys a unit on Shopify or Etsy. When the shop
/// sells out, the maker "counts" new stock, and the count flows to both channels like any change.</summary>
internal sealed class DemoBuyers(ShopifySimulator shopify, EtsySimulator etsy, DemoCatalog catalog, CatalogImporter importer, TimeProvider time, ILogger logger)
{
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
                if (catalog.Rows.All(r => shopify.GetAvailable(r.Mapping.Shopify!.InventoryItemId, r.Mapping.Shopify!.LocationId) == 0))
                {
                    restocks++;
                    logger.LogInformation("Demo: the shop sold out; the maker counts fresh stock (restock {Restock})", restocks);
                    await importer.ImportAsync(catalog.Rows, string.Create(CultureInfo.InvariantCulture, $"demo-restock-{time.GetUtcNow():yyyyMMddHHmmss}-{restocks}"), "demo", stopping);
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
}

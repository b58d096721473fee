using FuncSync.Ebay;
using FuncSync.Simulators.Ebay;

namespace FuncSync.Demo;

/// <summary>eBay buyers: every 6 to 15 seconds someone checks out a unit on eBay. eBay confirms each line by a signed
/// notification, but one in ten is lost and one in ten repeated, as eBay warns: the orders poll brings the lost ones.</summary>
internal sealed class DemoEbayBuyers(EbaySimulator ebay, DemoCatalog catalog, TimeProvider time, ILogger logger)
{
    // Seeded: the demo tells the same story every run.
    private readonly Random _random = new(2027);

    /// <summary>Lists every catalog item with an eBay SKU on its own listing, with the catalog's starting quantity.</summary>
    public static void Stock(EbaySimulator ebay, DemoCatalog catalog)
    {
        var listing = 110_000_000_001L;
        foreach (var row in catalog.Rows.Where(r => r.Mapping.Ebay is not null))
        {
            ebay.AddItem(row.Mapping.Ebay!.Sku, (listing++).ToString(System.Globalization.CultureInfo.InvariantCulture), row.Quantity ?? 0, row.Mapping.Title, catalog.PriceOf(row.Mapping.Sku));
        }
    }

    public async Task RunAsync(CancellationToken stopping)
    {
        ebay.Options.LostNotificationShare = 0.1;
        ebay.Options.RepeatedNotificationShare = 0.1;
        while (!stopping.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(_random.Next(6_000, 15_000)), time, stopping);
            var candidates = catalog.Rows.Where(r => r.Mapping.Ebay is { } e && ebay.GetShown(e.Sku) > 0).ToList();
            if (candidates.Count == 0)
            {
                continue;
            }

            var row = candidates[_random.Next(candidates.Count)];
            var order = await ebay.PlaceOrderAsync([(row.Mapping.Ebay!.Sku, 1)], null, stopping);
            logger.LogInformation("Demo buyer: bought {Sku} on eBay, order {Order} ({Notifications} notifications sent)", row.Mapping.Sku, order.OrderId, order.Notifications.Count);
        }
    }
}

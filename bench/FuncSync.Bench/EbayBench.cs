using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using FuncSync.Catalog;
using FuncSync.Demo;
using FuncSync.Ebay;
using FuncSync.Etsy;
using FuncSync.Hosting.Azurite;
using FuncSync.Shopify;
using FuncSync.Simulators.Ebay;
using FuncSync.Simulators.Etsy;
using FuncSync.Simulators.Shopify;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FuncSync.Bench;

/// <summary>eBay beside Shopify and Etsy, all simulated on loopback with the real app on Azurite. (1) An eBay sale until
/// both Shopify's and Etsy's simulators show it, by notification, then with every notification lost (the orders poll
/// alone, on a 10 s schedule). (2) A flash sale: 300 eBay orders of one unit of one listing (notifications 10 % lost,
/// 10 % repeated) with 60 Shopify orders of the same SKU among them: eBay revisions used, refused, and final counts.</summary>
internal static class EbayBench
{
    public static async Task RunAsync(int sales, int flashOrders, int shopifyOrders)
    {
        await using var azurite = await AzuriteServer.StartAsync(null, NullLogger.Instance, CancellationToken.None);
        await using var shopify = await ShopifySimulator.StartAsync(new ShopifySimulatorOptions { ThrottleMaximumAvailable = 1_000_000, ThrottleRestoreRate = 1_000_000 }, TimeProvider.System);
        await using var etsy = await EtsySimulator.StartAsync(new EtsySimulatorOptions { QueriesPerSecond = 1000, QueriesPerDay = 10_000_000 }, TimeProvider.System);
        await using var ebay = await EbaySimulator.StartAsync(new EbaySimulatorOptions { NotificationUrl = new Uri("https://bench.funcsync.example/api/webhooks/ebay"), DailyCallQuota = 1_000_000, Seed = 7 }, TimeProvider.System);
        var settings = SimulatedChannels.Settings(shopify, etsy);
        foreach (var (key, value) in SimulatedChannels.Settings(ebay))
        {
            settings[key] = value;
        }

        settings["AzureWebJobsStorage"] = azurite.ConnectionString;
        settings["FuncSync:StoragePrefix"] = "benchebay";
        settings["FuncSync:Shop"] = "bench";
        settings["FuncSync:AdminKey"] = "bench-admin-key";
        settings["Etsy:PollSchedule"] = "0 0 0 1 1 *";
        settings["Etsy:QueriesPerSecond"] = "1000";
        settings["Ebay:OrderPollSchedule"] = "*/10 * * * * *";
        settings["Ebay:OrderPollSettle"] = "00:00:01";
        var (app, baseUrl) = await FuncSyncHost.StartOnLoopbackAsync(settings, LogLevel.Error);
        await using var running = app;
        ebay.Options.DeliverTo = new Uri(baseUrl, "api/webhooks/ebay");
        shopify.Options.WebhookUrl = new Uri(baseUrl, "api/webhooks/shopify");

        var shown = new ConcurrentDictionary<(string Channel, string Sku), int>();
        var changed = new ConcurrentDictionary<(string Channel, string Sku), long>();
        var skuOfItem = new ConcurrentDictionary<long, string>();
        shopify.InventoryChanged += c => Seen("shopify", skuOfItem.GetValueOrDefault(c.InventoryItemId, "?"), c.Available);
        etsy.InventoryChanged += c => Seen("etsy", c.Sku, c.Quantity);

        void Seen(string channel, string sku, int quantity)
        {
            shown[(channel, sku)] = quantity;
            changed[(channel, sku)] = Stopwatch.GetTimestamp();
        }

        var importer = app.Services.GetRequiredService<CatalogImporter>();
        var next = 0L;
        async Task<List<SkuMapping>> StockAsync(string prefix, int count, int quantity)
        {
            var rows = new List<SkuMapRow>();
            for (var n = 0; n < count; n++)
            {
                var sku = string.Create(CultureInfo.InvariantCulture, $"{prefix}-{n:D4}");
                var id = 4_100_300_000 + next++;
                var shopifyListing = new ShopifyListing(id, id + 200_000_000, 6_500_000_001, id + 2_900_000_000);
                var mapping = new SkuMapping(sku, sku, [shopifyListing, new EtsyListing(id - 2_600_000_000, sku), new EbayListing(sku)]);
                skuOfItem[shopifyListing.InventoryItemId] = sku;
                shopify.AddVariant(shopifyListing.ProductId!.Value, shopifyListing.VariantId, shopifyListing.InventoryItemId, shopifyListing.LocationId, sku, quantity, sku);
                etsy.AddListing(mapping.Etsy!.ListingId, sku, [new EtsySimProduct(sku, quantity, 20m, [])]);
                ebay.AddItem(sku, (110_000_000_000 + id).ToString(CultureInfo.InvariantCulture), quantity);
                rows.Add(new SkuMapRow(mapping, quantity));
            }

            await importer.ImportAsync(rows, Guid.NewGuid().ToString("N"), "bench", CancellationToken.None);
            await Task.Delay(TimeSpan.FromSeconds(3 + (count / 50.0)), TimeProvider.System);
            return [.. rows.Select(r => r.Mapping)];
        }

        async Task<bool> WaitAsync(Func<bool> condition, TimeSpan timeout)
        {
            var deadline = Stopwatch.StartNew();
            while (!condition())
            {
                if (deadline.Elapsed > timeout)
                {
                    return false;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System);
            }

            return true;
        }

        // (1) eBay sale → Shopify and Etsy, by notification and by the poll alone.
        Console.WriteLine("| path | sales | reached both | p50 ms | p95 ms | max ms |\n|---|---|---|---|---|---|");
        foreach (var (path, fate) in new[] { ("notification", NotificationFate.Delivered), ("orders poll only (10 s schedule)", NotificationFate.Lost) })
        {
            var latencies = new List<double>();
            foreach (var item in await StockAsync(fate == NotificationFate.Lost ? "POLL" : "NOTE", sales, 50))
            {
                var started = Stopwatch.GetTimestamp();
                await ebay.PlaceOrderAsync([(item.Sku, 1)], fate);
                if (await WaitAsync(() => shown.GetValueOrDefault(("shopify", item.Sku), 50) == 49 && shown.GetValueOrDefault(("etsy", item.Sku), 50) == 49, TimeSpan.FromSeconds(120)))
                {
                    latencies.Add(Stopwatch.GetElapsedTime(started, Math.Max(changed[("shopify", item.Sku)], changed[("etsy", item.Sku)])).TotalMilliseconds);
                }
            }

            latencies.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| eBay sale → Shopify and Etsy, {path} | {sales} | {latencies.Count} | {Percentile(latencies, 0.5):F0} | {Percentile(latencies, 0.95):F0} | {(latencies.Count > 0 ? latencies[^1] : 0):F0} |"));
        }

        // (2) Flash sale on one multi-unit listing, with Shopify orders of the same SKU among the eBay ones.
        const int Stock = 1_000;
        var flash = (await StockAsync("FLASH", 1, Stock))[0];
        var listing = (110_000_000_000 + 4_100_300_000 + next - 1).ToString(CultureInfo.InvariantCulture);
        ebay.Options.LostNotificationShare = 0.1;
        ebay.Options.RepeatedNotificationShare = 0.1;
        var refusedBefore = ebay.RevisionsRefused;
        var clock = Stopwatch.StartNew();
        var orders = new List<Task>();
        for (var i = 0; i < flashOrders; i++)
        {
            orders.Add(ebay.PlaceOrderAsync([(flash.Sku, 1)]));
            if (shopifyOrders > 0 && i % Math.Max(1, flashOrders / shopifyOrders) == 0 && i / Math.Max(1, flashOrders / shopifyOrders) < shopifyOrders)
            {
                orders.Add(shopify.PlaceOrderAsync([(flash.Shopify!.VariantId, 1)]));
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System);
        }

        await Task.WhenAll(orders);
        var expected = Stock - flashOrders - shopifyOrders;
        var ledgerStore = app.Services.GetRequiredService<FuncSync.Ledger.LedgerStore>();
        var settled = await WaitAsync(
            () => ebay.GetShown(flash.Sku) == expected && shown.GetValueOrDefault(("shopify", flash.Sku)) == expected && shown.GetValueOrDefault(("etsy", flash.Sku)) == expected
                && ledgerStore.GetStockAsync(flash.Sku, CancellationToken.None).GetAwaiter().GetResult().Level.Available == expected,
            TimeSpan.FromMinutes(5));
        var ledger = await ledgerStore.GetStockAsync(flash.Sku, CancellationToken.None);
        Console.WriteLine();
        Console.WriteLine("| flash sale | eBay orders | Shopify orders | settled after | eBay revisions used | refused | eBay / Shopify / Etsy / ledger at end | expected |\n|---|---|---|---|---|---|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| one listing, {Stock} units | {flashOrders} | {shopifyOrders} | {(settled ? clock.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) + " s" : "not settled")} | {ebay.RevisionsToday(listing)} | {ebay.RevisionsRefused - refusedBefore} | {ebay.GetShown(flash.Sku)} / {shown.GetValueOrDefault(("shopify", flash.Sku))} / {shown.GetValueOrDefault(("etsy", flash.Sku))} / {ledger.Level.Available} | {expected} |"));
        await app.StopAsync();
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}

using System.Diagnostics;
using System.Globalization;
using FuncSync.Catalog;
using FuncSync.Demo;
using FuncSync.Ebay;
using FuncSync.Shopify;
using FuncSync.Simulators.Ebay;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FuncSync.Bench;

/// <summary>eBay beside Shopify and Etsy, all simulated on loopback with the real app on Azurite. (1) An eBay sale until
/// both Shopify's and Etsy's simulators show it, by notification, then with every notification lost (the orders poll
/// alone, on a 10 s schedule). (2) A flash sale: 300 eBay orders of one unit of one listing (notifications 10 % lost,
/// 10 % repeated) with 60 Shopify orders of the same SKU among them: eBay revisions used, refused, and final counts.</summary>
internal static class EbayBench
{
    public static async Task RunAsync(int sales, int flashOrders, int shopifyOrders)
    {
        await using var rig = await ChannelBenchRig.StartAsync();
        await using var ebay = await EbaySimulator.StartAsync(new EbaySimulatorOptions { NotificationUrl = new Uri("https://bench.funcsync.example/api/webhooks/ebay"), DailyCallQuota = 1_000_000, Seed = 7 }, TimeProvider.System);
        var settings = rig.Settings("benchebay", SimulatedChannels.Settings(ebay));
        settings["Ebay:OrderPollSchedule"] = "*/10 * * * * *";
        settings["Ebay:OrderPollSettle"] = "00:00:01";
        var (app, baseUrl) = await FuncSyncHost.StartOnLoopbackAsync(settings, LogLevel.Error);
        await using var running = app;
        ebay.Options.DeliverTo = new Uri(baseUrl, "api/webhooks/ebay");
        rig.Shopify.Options.WebhookUrl = new Uri(baseUrl, "api/webhooks/shopify");

        var importer = app.Services.GetRequiredService<CatalogImporter>();
        var listingOf = new Dictionary<string, string>(StringComparer.Ordinal);
        async Task<List<SkuMapping>> StockAsync(string prefix, int count, int quantity)
        {
            var rows = new List<SkuMapRow>();
            for (var n = 0; n < count; n++)
            {
                var stocked = rig.Stock(prefix, n, quantity);
                listingOf[stocked.Sku] = (110_000_000_000 + stocked.Id).ToString(CultureInfo.InvariantCulture);
                ebay.AddItem(stocked.Sku, listingOf[stocked.Sku], quantity);
                rows.Add(new SkuMapRow(new SkuMapping(stocked.Sku, stocked.Sku, [stocked.Shopify, stocked.Etsy, new EbayListing(stocked.Sku)]), quantity));
            }

            await importer.ImportAsync(rows, Guid.NewGuid().ToString("N"), "bench", CancellationToken.None);
            await Task.Delay(TimeSpan.FromSeconds(3 + (count / 50.0)), TimeProvider.System);
            return [.. rows.Select(r => r.Mapping)];
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
                if (await ChannelBenchRig.WaitAsync(() => rig.Shown("shopify", item.Sku, 50) == 49 && rig.Shown("etsy", item.Sku, 50) == 49, TimeSpan.FromSeconds(120)))
                {
                    latencies.Add(Stopwatch.GetElapsedTime(started, Math.Max(rig.ChangedAt("shopify", item.Sku), rig.ChangedAt("etsy", item.Sku))).TotalMilliseconds);
                }
            }

            latencies.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| eBay sale → Shopify and Etsy, {path} | {sales} | {latencies.Count} | {ChannelBenchRig.Percentile(latencies, 0.5):F0} | {ChannelBenchRig.Percentile(latencies, 0.95):F0} | {(latencies.Count > 0 ? latencies[^1] : 0):F0} |"));
        }

        // (2) Flash sale on one multi-unit listing, with Shopify orders of the same SKU among the eBay ones.
        const int Stock = 1_000;
        var flash = (await StockAsync("FLASH", 1, Stock))[0];
        var listing = listingOf[flash.Sku];
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
                orders.Add(rig.Shopify.PlaceOrderAsync([(flash.Shopify!.VariantId, 1)]));
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System);
        }

        await Task.WhenAll(orders);
        var expected = Stock - flashOrders - shopifyOrders;
        var ledgerStore = app.Services.GetRequiredService<FuncSync.Ledger.LedgerStore>();
        var settled = await ChannelBenchRig.WaitAsync(
            async () => ebay.GetShown(flash.Sku) == expected && rig.Shown("shopify", flash.Sku, 0) == expected && rig.Shown("etsy", flash.Sku, 0) == expected
                && (await ledgerStore.GetStockAsync(flash.Sku, CancellationToken.None)).Level.Available == expected,
            TimeSpan.FromMinutes(5));
        var ledger = await ledgerStore.GetStockAsync(flash.Sku, CancellationToken.None);
        Console.WriteLine();
        Console.WriteLine("| flash sale | eBay orders | Shopify orders | settled after | eBay revisions used | refused | eBay / Shopify / Etsy / ledger at end | expected |\n|---|---|---|---|---|---|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| one listing, {Stock} units | {flashOrders} | {shopifyOrders} | {(settled ? clock.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) + " s" : "not settled")} | {ebay.RevisionsToday(listing)} | {ebay.RevisionsRefused - refusedBefore} | {ebay.GetShown(flash.Sku)} / {rig.Shown("shopify", flash.Sku, 0)} / {rig.Shown("etsy", flash.Sku, 0)} / {ledger.Level.Available} | {expected} |"));
        await app.StopAsync();
    }
}

using System.Diagnostics;
using System.Globalization;
using FuncSync.Catalog;
using FuncSync.Demo;
using FuncSync.Ledger;
using FuncSync.Simulators.WooCommerce;
using FuncSync.WooCommerce;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FuncSync.Bench;

/// <summary>A WooCommerce website beside Shopify and Etsy, all simulated on loopback with the real app on Azurite.
/// (1) A website sale until both Shopify's and Etsy's simulators show it, by webhook (the poll running too, as
/// deployed) and with every delivery lost (the poll alone): sequential sales, each timed alone. (2) The webhook refused
/// until WooCommerce disables it, then orders: how many reached the ledger and how late. (3) Stock writes per second
/// through the batch endpoint.</summary>
internal static class WooCommerceBench
{
    public static async Task RunAsync(int sales, TimeSpan pollEvery, int disabledOrders, int writes)
    {
        await using var rig = await ChannelBenchRig.StartAsync();
        await using var woo = await WooCommerceSimulator.StartAsync(new WooCommerceSimulatorOptions(), TimeProvider.System);
        var settings = rig.Settings("benchwoo", SimulatedChannels.Settings(woo));
        settings["Shopify:OrderPollSchedule"] = "0 0 0 1 1 *";
        settings["WooCommerce:OrderPollSchedule"] = string.Create(CultureInfo.InvariantCulture, $"*/{(int)pollEvery.TotalSeconds} * * * * *");
        settings["WooCommerce:OrderPollSettle"] = "00:00:02";
        settings["WooCommerce:LevelCheckDelay"] = "00:00:05";
        var (app, baseUrl) = await FuncSyncHost.StartOnLoopbackAsync(settings, LogLevel.Error);
        await using var running = app;
        woo.Options.DeliveryUrl = new Uri(baseUrl, "api/webhooks/woocommerce");

        var importer = app.Services.GetRequiredService<CatalogImporter>();
        async Task<List<SkuMapping>> StockAsync(string prefix, int count, int quantity)
        {
            var rows = new List<SkuMapRow>();
            for (var n = 0; n < count; n++)
            {
                var stocked = rig.Stock(prefix, n, quantity);
                var productId = woo.AddProduct(stocked.Sku, quantity, 9_000_000_000 + stocked.Id);
                var mapping = new SkuMapping(stocked.Sku, stocked.Sku, [stocked.Shopify, stocked.Etsy, new WooCommerceListing(productId, null)]);
                rows.Add(new SkuMapRow(mapping, quantity));
            }

            await importer.ImportAsync(rows, Guid.NewGuid().ToString("N"), "bench", CancellationToken.None);
            await Task.Delay(TimeSpan.FromSeconds(3 + (count / 50.0)), TimeProvider.System);
            return [.. rows.Select(r => r.Mapping)];
        }

        // (1) Website sale → Shopify and Etsy, by webhook, then by the poll alone.
        Console.WriteLine($"| path | poll every | sales | reached both | p50 ms | p95 ms | max ms |\n|---|---|---|---|---|---|---|");
        foreach (var (label, lost) in new[] { ("webhook (poll running too)", 0.0), ("poll only (every delivery lost)", 1.0) })
        {
            woo.Options.LostShare = lost;
            var latencies = new List<double>();
            foreach (var item in await StockAsync(lost > 0 ? "POLL" : "HOOK", sales, 50))
            {
                var started = Stopwatch.GetTimestamp();
                await woo.CheckoutAsync([(item.WooCommerce!.StockId, 1)]);
                if (await ChannelBenchRig.WaitAsync(() => rig.Shown("shopify", item.Sku, 50) == 49 && rig.Shown("etsy", item.Sku, 50) == 49, TimeSpan.FromSeconds(120)))
                {
                    latencies.Add(Stopwatch.GetElapsedTime(started, Math.Max(rig.ChangedAt("shopify", item.Sku), rig.ChangedAt("etsy", item.Sku))).TotalMilliseconds);
                }
            }

            latencies.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {label} | {pollEvery.TotalSeconds:F0} s | {sales} | {latencies.Count} | {ChannelBenchRig.Percentile(latencies, 0.5):F0} | {ChannelBenchRig.Percentile(latencies, 0.95):F0} | {(latencies.Count > 0 ? latencies[^1] : 0):F0} |"));
        }

        // (2) The webhook refused (a rotated secret) until WooCommerce disables it; every order must still arrive.
        woo.Options.LostShare = 0;
        woo.Options.WebhookSecret = "rotated-on-the-site-only";
        var items = await StockAsync("DISABLED", disabledOrders, 50);
        var ledger = app.Services.GetRequiredService<LedgerStore>();
        var placed = new List<(string SaleId, long At)>();
        foreach (var item in items)
        {
            var order = await woo.CheckoutAsync([(item.WooCommerce!.StockId, 1)]);
            placed.Add((WooCommerceOrderEvents.SaleId(order, woo.LineIds(order)[0]), Stopwatch.GetTimestamp()));
        }

        var disabledAfter = woo.Deliveries.Count;
        var arrivedAt = new Dictionary<string, long>();
        var deadline = Stopwatch.StartNew();
        while (arrivedAt.Count < placed.Count && deadline.Elapsed < TimeSpan.FromMinutes(5))
        {
            foreach (var (saleId, _) in placed.Where(p => !arrivedAt.ContainsKey(p.SaleId)))
            {
                if (await ledger.IsAppliedEventAsync(saleId, CancellationToken.None))
                {
                    arrivedAt[saleId] = Stopwatch.GetTimestamp();
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System);
        }

        var late = placed.Where(p => arrivedAt.ContainsKey(p.SaleId)).Select(p => Stopwatch.GetElapsedTime(p.At, arrivedAt[p.SaleId]).TotalSeconds).Order().ToList();
        Console.WriteLine();
        Console.WriteLine("| webhook | deliveries refused | orders | in the ledger | p50 late s | max late s |\n|---|---|---|---|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {woo.WebhookStatus(WooCommerceSimulator.OrderCreated)} | {disabledAfter} | {placed.Count} | {late.Count} | {ChannelBenchRig.Percentile(late, 0.5):F1} | {(late.Count > 0 ? late[^1] : 0):F1} |"));

        // (3) Stock writes through the batch endpoint.
        var api = app.Services.GetRequiredService<WooCommerceApi>();
        var targets = Enumerable.Range(0, writes).Select(i => (Listing: new WooCommerceListing(woo.AddProduct($"W-{i:D5}", 1), null), Quantity: i % 17)).ToList();
        var clock = Stopwatch.StartNew();
        var (saved, calls) = await api.SetStockAsync(targets, CancellationToken.None);
        var seconds = clock.Elapsed.TotalSeconds;
        var wrong = targets.Count(t => woo.GetStock(t.Listing.StockId) != t.Quantity);
        Console.WriteLine();
        Console.WriteLine("| writes | batch calls | seconds | writes/s | saved | wrong afterwards |\n|---|---|---|---|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {writes} | {calls} | {seconds:F2} | {writes / seconds:F0} | {saved.Count} | {wrong} |"));
        await app.StopAsync();
    }
}

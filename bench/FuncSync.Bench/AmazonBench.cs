using System.Diagnostics;
using System.Globalization;
using FuncSync.Amazon;
using FuncSync.Catalog;
using FuncSync.Demo;
using FuncSync.Domain;
using FuncSync.Push;
using FuncSync.Reconciliation;
using FuncSync.Shopify;
using FuncSync.Simulators.Amazon;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FuncSync.Bench;

/// <summary>Amazon beside Shopify and Etsy, all simulated on loopback with the real app on Azurite. (1) An Amazon MFN
/// sale until Shopify's and Etsy's simulators show it: by the SQS notification, and by the orders poll alone. (2) A
/// Shopify sale until Amazon accepts the patch, and until FuncSync has read the new quantity back (Amazon applies a patch
/// after <c>patchDelay</c>). (3) A reconciliation fix of many SKUs drifted on Amazon: 429s answered, feeds and patches.</summary>
internal static class AmazonBench
{
    public static async Task RunAsync(int sales, TimeSpan patchDelay, int fixSkus)
    {
        await using var rig = await ChannelBenchRig.StartAsync();
        await using var amazon = await AmazonSimulator.StartAsync(new AmazonSimulatorOptions { PatchDelay = patchDelay, FeedProcessingDelay = patchDelay, OrderVisibilityDelay = TimeSpan.Zero }, TimeProvider.System);
        var settings = rig.Settings("benchamazon", SimulatedChannels.Settings(amazon));
        settings["Shopify:OrderPollSchedule"] = "0 0 0 1 1 *";
        settings["Amazon:NotificationSchedule"] = "*/1 * * * * *";
        settings["Amazon:NotificationWaitSeconds"] = "5";
        settings["Amazon:OrderPollSchedule"] = "*/10 * * * * *";
        settings["Amazon:OrderPollSettle"] = "00:00:00";
        settings["Amazon:ConfirmWithin"] = "00:00:02";
        settings["Amazon:ConfirmPollInterval"] = "00:00:00.250";
        settings["Amazon:ConfirmRetry"] = "00:00:02";
        settings["Amazon:FeedSchedule"] = "*/2 * * * * *";
        var (app, baseUrl) = await FuncSyncHost.StartOnLoopbackAsync(settings, LogLevel.Error);
        await using var running = app;
        rig.Shopify.Options.WebhookUrl = new Uri(baseUrl, "api/webhooks/shopify");
        amazon.PatchAccepted += (sku, quantity) => rig.Seen("amazon-accepted", sku, quantity);

        var importer = app.Services.GetRequiredService<CatalogImporter>();
        var pushes = app.Services.GetRequiredService<PushStore>();
        async Task<List<SkuMapping>> StockAsync(string prefix, int count, int quantity, bool onEtsy = true)
        {
            var rows = new List<SkuMapRow>();
            for (var n = 0; n < count; n++)
            {
                var stocked = rig.Stock(prefix, n, quantity, onEtsy);
                var sku = stocked.Sku;
                var mapping = new SkuMapping(sku, sku, [stocked.Shopify, stocked.Etsy, new AmazonListing(sku)]);
                amazon.AddListing(sku, quantity);
                rows.Add(new SkuMapRow(mapping, quantity));
            }

            await importer.ImportAsync(rows, Guid.NewGuid().ToString("N"), "bench", CancellationToken.None);
            await Task.Delay(TimeSpan.FromSeconds(3 + (count / 50.0)), TimeProvider.System);
            return [.. rows.Select(r => r.Mapping)];
        }

        // (1) Amazon sale → Shopify and Etsy, by notification and by the poll alone.
        Console.WriteLine("| path | sales | reached both | p50 ms | p95 ms | max ms |\n|---|---|---|---|---|---|");
        foreach (var notify in new[] { true, false })
        {
            var latencies = new List<double>();
            foreach (var item in await StockAsync(notify ? "SQS" : "POLL", sales, 50))
            {
                var started = Stopwatch.GetTimestamp();
                amazon.PlaceOrder([(item.Sku, 1)], notify: notify);
                if (await ChannelBenchRig.WaitAsync(() => Task.FromResult(rig.Shown("shopify", item.Sku, 50) == 49 && rig.Shown("etsy", item.Sku, 50) == 49), TimeSpan.FromSeconds(180)))
                {
                    latencies.Add(Stopwatch.GetElapsedTime(started, Math.Max(rig.ChangedAt("shopify", item.Sku), rig.ChangedAt("etsy", item.Sku))).TotalMilliseconds);
                }
            }

            latencies.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| Amazon sale → Shopify and Etsy, {(notify ? "SQS notification" : "orders poll only (every 10 s)")} | {sales} | {latencies.Count} | {ChannelBenchRig.Percentile(latencies, 0.5):F0} | {ChannelBenchRig.Percentile(latencies, 0.95):F0} | {(latencies.Count > 0 ? latencies[^1] : 0):F0} |"));
        }

        // (2) Shopify sale → Amazon accepted, and confirmed by read-back.
        var accepted = new List<double>();
        var confirmed = new List<double>();
        foreach (var item in await StockAsync("WRITE", sales, 50, onEtsy: false))
        {
            var started = Stopwatch.GetTimestamp();
            await rig.Shopify.PlaceOrderAsync([(item.Shopify!.VariantId, 1)]);
            if (await ChannelBenchRig.WaitAsync(() => Task.FromResult(rig.Shown("amazon-accepted", item.Sku, 0) == 49), TimeSpan.FromSeconds(120)))
            {
                accepted.Add(Stopwatch.GetElapsedTime(started, rig.ChangedAt("amazon-accepted", item.Sku)).TotalMilliseconds);
            }

            if (await ChannelBenchRig.WaitAsync(async () => (await pushes.GetAsync(item.Sku, Channel.Amazon, CancellationToken.None))?.Shown == 49, TimeSpan.FromSeconds(180)))
            {
                confirmed.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        accepted.Sort();
        confirmed.Sort();
        Console.WriteLine();
        Console.WriteLine("| Shopify sale → Amazon (patch applied after " + patchDelay.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture) + " s) | sales | p50 ms | p95 ms | max ms |\n|---|---|---|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| patch accepted | {accepted.Count} | {ChannelBenchRig.Percentile(accepted, 0.5):F0} | {ChannelBenchRig.Percentile(accepted, 0.95):F0} | {(accepted.Count > 0 ? accepted[^1] : 0):F0} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| confirmed by read-back | {confirmed.Count} | {ChannelBenchRig.Percentile(confirmed, 0.5):F0} | {ChannelBenchRig.Percentile(confirmed, 0.95):F0} | {(confirmed.Count > 0 ? confirmed[^1] : 0):F0} |"));

        // (3) Reconciliation fix of many SKUs drifted on Amazon.
        var drifted = await StockAsync("FIX", fixSkus, 8, onEtsy: false);
        foreach (var item in drifted)
        {
            amazon.SetQuantity(item.Sku, 3);
        }

        var throttledBefore = amazon.Throttled;
        var patchesBefore = amazon.Requests(AmazonRateLimit.PatchListingsItem);
        var feedsBefore = amazon.FeedsCreated;
        var readsBefore = amazon.Requests(AmazonRateLimit.GetListingsItem);
        var clock = Stopwatch.StartNew();
        var report = await app.Services.GetRequiredService<Reconciler>().RunAsync(fix: true, null, 0, CancellationToken.None);
        var fixedAll = await ChannelBenchRig.WaitAsync(() => Task.FromResult(drifted.All(i => amazon.GetQuantity(i.Sku) == 8)), TimeSpan.FromMinutes(15));
        Console.WriteLine();
        var fixedAfter = clock.Elapsed;
        var confirmedAll = await ChannelBenchRig.WaitAsync(
            async () => (await Task.WhenAll(drifted.Select(i => pushes.GetAsync(i.Sku, Channel.Amazon, CancellationToken.None)))).All(r => r is { Shown: 8, WritingId: null }),
            TimeSpan.FromMinutes(10));
        Console.WriteLine("| reconciliation fix | SKUs drifted on Amazon | fixed | seconds to all shown | seconds to all confirmed | feeds | patches | getListingsItem | 429s answered |\n|---|---|---|---|---|---|---|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| Amazon {fixSkus} SKUs | {report.Discrepancies.Count} | {drifted.Count(i => amazon.GetQuantity(i.Sku) == 8)}{(fixedAll ? string.Empty : " (timed out)")} | {fixedAfter.TotalSeconds:F1} | {clock.Elapsed.TotalSeconds:F1}{(confirmedAll ? string.Empty : " (timed out)")} | {amazon.FeedsCreated - feedsBefore} | {amazon.Requests(AmazonRateLimit.PatchListingsItem) - patchesBefore} | {amazon.Requests(AmazonRateLimit.GetListingsItem) - readsBefore} | {amazon.Throttled - throttledBefore} |"));
        await app.StopAsync();
    }
}

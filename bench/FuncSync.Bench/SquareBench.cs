using System.Diagnostics;
using System.Globalization;
using System.Text;
using FuncSync.Catalog;
using FuncSync.Demo;
using FuncSync.Simulators.Square;
using FuncSync.Square;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FuncSync.Bench;

/// <summary>A market stall on Square beside Shopify and Etsy, all simulated on loopback with the real app on Azurite.
/// (1) A sale rung up at the register (Square reports only the count) until both Etsy's and Shopify's simulators show
/// the new count: sequential sales, each timed alone. (2) 100 register sales of one SKU within one second: the writes
/// each channel received. (3) Square writes per second while a share of Square's answers are 429 RATE_LIMITED, and
/// whether every count arrived.</summary>
internal static class SquareBench
{
    private const string Stall = "LSTALL000000B";

    public static async Task RunAsync(int sales, TimeSpan levelCheckDelay, int skus429, double rateLimitedShare)
    {
        await using var rig = await ChannelBenchRig.StartAsync();
        await using var square = await SquareSimulator.StartAsync(new SquareSimulatorOptions { NotificationUrl = new Uri("https://bench.funcsync.example/api/webhooks/square") }, TimeProvider.System);
        var settings = rig.Settings("benchsquare", SimulatedChannels.Settings(square));
        settings["Square:LevelCheckDelay"] = levelCheckDelay.ToString("c", CultureInfo.InvariantCulture);
        var (app, baseUrl) = await FuncSyncHost.StartOnLoopbackAsync(settings, LogLevel.Error);
        await using var running = app;
        square.Options.DeliverTo = new Uri(baseUrl, "api/webhooks/square");
        square.CountChanged += c => rig.Seen("square", c.VariationId, c.Quantity);

        var importer = app.Services.GetRequiredService<CatalogImporter>();
        async Task<List<SkuMapping>> StockAsync(string prefix, int count, int quantity, bool onSquare = true, bool onEtsy = true)
        {
            var rows = new List<SkuMapRow>();
            for (var n = 0; n < count; n++)
            {
                var stocked = rig.Stock(prefix, n, quantity, onEtsy);
                var sku = stocked.Sku;
                var mapping = new SkuMapping(sku, sku, [stocked.Shopify, stocked.Etsy, onSquare ? new SquareListing("BV" + sku) : null]);
                if (onSquare)
                {
                    square.AddVariation("BV" + sku, sku, sku, new Dictionary<string, int> { [Stall] = quantity });
                }

                rows.Add(new SkuMapRow(mapping, quantity));
            }

            await importer.ImportAsync(rows, Guid.NewGuid().ToString("N"), "bench", CancellationToken.None);
            await Task.Delay(TimeSpan.FromSeconds(3 + (count / 50.0)), TimeProvider.System);
            return [.. rows.Select(r => r.Mapping)];
        }

        // (1) Register sale → Etsy and Shopify.
        var latencies = new List<double>();
        var items = await StockAsync("REG", sales, 50);
        foreach (var item in items)
        {
            var variation = item.Square!.VariationId;
            var started = Stopwatch.GetTimestamp();
            await square.SellAtRegisterAsync(variation, Stall);
            if (await ChannelBenchRig.WaitAsync(() => rig.Shown("shopify", item.Sku, 50) == 49 && rig.Shown("etsy", item.Sku, 50) == 49, TimeSpan.FromSeconds(120)))
            {
                var last = Math.Max(rig.ChangedAt("shopify", item.Sku), rig.ChangedAt("etsy", item.Sku));
                latencies.Add(Stopwatch.GetElapsedTime(started, last).TotalMilliseconds);
            }
        }

        latencies.Sort();
        Console.WriteLine("| path | level check delay | sales | reached both | p50 ms | p95 ms | max ms |\n|---|---|---|---|---|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| register sale → Shopify and Etsy | {levelCheckDelay.TotalSeconds:F0} s | {sales} | {latencies.Count} | {ChannelBenchRig.Percentile(latencies, 0.5):F0} | {ChannelBenchRig.Percentile(latencies, 0.95):F0} | {(latencies.Count > 0 ? latencies[^1] : 0):F0} |"));

        // (2) 100 register sales of one SKU within one second.
        var burst = (await StockAsync("BURST", 1, 500))[0];
        var squareBefore = square.ChangeRequests;
        var clock = Stopwatch.StartNew();
        var sold = new List<Task>();
        for (var i = 0; i < 100; i++)
        {
            var due = TimeSpan.FromMilliseconds(i * 10);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed, TimeProvider.System);
            }

            sold.Add(square.SellAtRegisterAsync(burst.Square!.VariationId, Stall));
        }

        await Task.WhenAll(sold);
        var soldIn = clock.Elapsed;
        var arrived = await ChannelBenchRig.WaitAsync(() => rig.Shown("shopify", burst.Sku, 0) == 400 && rig.Shown("etsy", burst.Sku, 0) == 400, TimeSpan.FromMinutes(3));
        var settledIn = clock.Elapsed;
        // The other channels can show 400 before the ledger applied every sale: the push counts Square's sales it has not
        // imported yet as sold. The ledger's own catch-up is timed too; then a few seconds let trailing writes land.
        var stock = app.Services.GetRequiredService<FuncSync.Ledger.LedgerStore>();
        var ledgerCaughtUp = false;
        while (!ledgerCaughtUp && clock.Elapsed < TimeSpan.FromMinutes(3))
        {
            ledgerCaughtUp = (await stock.GetStockAsync(burst.Sku, CancellationToken.None)).Level.Available == 400;
            await Task.Delay(TimeSpan.FromMilliseconds(ledgerCaughtUp ? 0 : 100), TimeProvider.System);
        }

        var ledgerIn = clock.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(5), TimeProvider.System);
        Console.WriteLine();
        Console.WriteLine("| burst | sold in | all channels at 400 after | ledger at 400 after | Shopify writes | Etsy writes | Square writes | ledger available |\n|---|---|---|---|---|---|---|---|");
        var ledger = await stock.GetStockAsync(burst.Sku, CancellationToken.None);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| 100 register sales, one SKU | {soldIn.TotalSeconds:F2} s | {(arrived ? settledIn.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) + " s" : "not reached")} | {(ledgerCaughtUp ? ledgerIn.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) + " s" : "not reached")} | {rig.Writes("shopify", burst.Sku) - 1} | {rig.Writes("etsy", burst.Sku) - 1} | {square.ChangeRequests - squareBefore} | {ledger.Level.Available} |"));

        // (3) Square writes under 429s: every SKU's count changes at once (admin API), each push writes Square.
        var limited = await StockAsync("LIMIT", skus429, 50, onEtsy: false);
        square.Options.RateLimitedShare = rateLimitedShare;
        var limitedBefore = square.RateLimited;
        var requestsBefore = square.ChangeRequests;
        using var http = new HttpClient { BaseAddress = baseUrl };
        http.DefaultRequestHeaders.Add("x-functions-key", "bench-admin-key");
        var writeClock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(limited, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (item, ct) =>
        {
            using var content = new StringContent("""{"quantity": 7, "note": "bench"}""", Encoding.UTF8, "application/json");
            using var response = await http.PutAsync($"api/skus/{item.Sku}/count", content, ct);
            response.EnsureSuccessStatusCode();
        });
        var allWritten = await ChannelBenchRig.WaitAsync(() => limited.All(i => square.GetCount(i.Square!.VariationId, Stall) == 7), TimeSpan.FromMinutes(10));
        var seconds = writeClock.Elapsed.TotalSeconds;
        square.Options.RateLimitedShare = 0;
        var lost = limited.Count(i => square.GetCount(i.Square!.VariationId, Stall) != 7);
        Console.WriteLine();
        Console.WriteLine("| 429 share | SKUs | seconds | Square writes/s | batch-create calls applied | 429s answered | counts lost |\n|---|---|---|---|---|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {rateLimitedShare:P0} | {skus429} | {seconds:F1} | {skus429 / seconds:F1} | {square.ChangeRequests - requestsBefore} | {square.RateLimited - limitedBefore} | {lost}{(allWritten ? string.Empty : " (timed out)")} |"));
        await app.StopAsync();
    }
}

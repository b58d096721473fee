using System.Diagnostics;
using System.Globalization;
using System.Text;
using FuncSync.Catalog;
using FuncSync.Demo;
using FuncSync.Hosting.Azurite;
using FuncSync.Shopify;
using FuncSync.Simulators.Etsy;
using FuncSync.Simulators.Shopify;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FuncSync.Bench;

/// <summary>Shopify push throughput under a plan's cost limit: every SKU's count changes at once (admin API), and each
/// push reads the level (2 points) and writes it (a 10-point mutation shared by the writes waiting together). The
/// simulator's bucket holds one second of the plan's rate, so the figure is the sustained rate, and it counts every
/// request it had to refuse.</summary>
internal static class ShopifyThroughputBench
{
    public const string Header = "| plan points/s | SKUs | seconds | pushes/s | inventorySetQuantities calls | quantities per call | throttle violations |\n|---|---|---|---|---|---|---|";

    public static async Task RunAsync(int skus, int planRate)
    {
        await using var azurite = await AzuriteServer.StartAsync(null, NullLogger.Instance, CancellationToken.None);
        await using var shopify = await ShopifySimulator.StartAsync(
            new ShopifySimulatorOptions { ThrottleMaximumAvailable = planRate, ThrottleRestoreRate = planRate }, TimeProvider.System);
        await using var etsy = await EtsySimulator.StartAsync(new EtsySimulatorOptions(), TimeProvider.System);
        var settings = SimulatedChannels.Settings(shopify, etsy);
        settings["AzureWebJobsStorage"] = azurite.ConnectionString;
        settings["FuncSync:StoragePrefix"] = "benchshopify";
        settings["FuncSync:Shop"] = "bench";
        settings["FuncSync:AdminKey"] = "bench-admin-key";
        settings["Etsy:PollSchedule"] = "0 0 0 1 1 *";
        settings["Shopify:PlanRestoreRate"] = planRate.ToString(CultureInfo.InvariantCulture);
        var (app, baseUrl) = await FuncSyncHost.StartOnLoopbackAsync(settings, LogLevel.Error);
        await using var running = app;

        var rows = new List<SkuMapRow>();
        for (var n = 0; n < skus; n++)
        {
            var sku = string.Create(CultureInfo.InvariantCulture, $"THRU-{n:D4}");
            var listing = new ShopifyListing(4_100_100_000 + n, 4_300_100_000 + n, 6_500_000_001, 7_000_100_000 + n);
            shopify.AddVariant(listing.ProductId!.Value, listing.VariantId, listing.InventoryItemId, listing.LocationId, sku, 50);
            rows.Add(new SkuMapRow(new SkuMapping(sku, sku, [listing]), 50));
        }

        await app.Services.GetRequiredService<CatalogImporter>().ImportAsync(rows, Guid.NewGuid().ToString("N"), "bench", CancellationToken.None);

        // The import's own pushes find Shopify in sync (reads only); let them finish before the measured burst.
        await Task.Delay(TimeSpan.FromSeconds(3 + (2.0 * skus / planRate)), TimeProvider.System);
        var callsBefore = shopify.OperationCount("inventorySetQuantities");
        var remaining = skus;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        shopify.InventoryChanged += change =>
        {
            if (change.Available == 7 && Interlocked.Decrement(ref remaining) == 0)
            {
                done.TrySetResult();
            }
        };

        using var http = new HttpClient { BaseAddress = baseUrl };
        http.DefaultRequestHeaders.Add("x-functions-key", "bench-admin-key");
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(rows, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (row, ct) =>
        {
            using var content = new StringContent("""{"quantity": 7, "note": "bench"}""", Encoding.UTF8, "application/json");
            using var response = await http.PutAsync($"api/skus/{row.Mapping.Sku}/count", content, ct);
            response.EnsureSuccessStatusCode();
        });
        await done.Task.WaitAsync(TimeSpan.FromMinutes(10));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var calls = shopify.OperationCount("inventorySetQuantities") - callsBefore;
        await app.StopAsync();
        Console.WriteLine(Header);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {planRate} | {skus} | {seconds:F1} | {skus / seconds:F1} | {calls} | {(double)skus / calls:F1} | {shopify.ThrottleViolations} |"));
    }
}

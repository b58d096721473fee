using System.Diagnostics;
using System.Globalization;
using FuncSync.Catalog;
using FuncSync.Demo;
using FuncSync.Domain;
using FuncSync.Etsy;
using FuncSync.Hosting.Azurite;
using FuncSync.Hosting.Storage;
using FuncSync.Reconciliation;
using FuncSync.Shopify;
using FuncSync.Simulators.Etsy;
using FuncSync.Simulators.Shopify;
using FuncSync.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FuncSync.Bench;

/// <summary>Reconciliation over N SKUs listed on both channels, at Etsy's default budget (10 requests/s, 10,000 a day)
/// and Shopify's standard plan (100 points/s, a 1,000-point bucket): one clean run, then one with 5 % of the Etsy
/// listings edited behind FuncSync's back and fix=true. Reports duration and the requests each channel was asked.</summary>
internal static class ReconciliationBench
{
    public const string Header = "| run | listings checked | discrepancies | duration s | Etsy requests | Shopify requests | Etsy remaining today | storage requests |\n|---|---|---|---|---|---|---|---|";

    public static async Task RunAsync(int skus)
    {
        await using var azurite = await AzuriteServer.StartAsync(null, NullLogger.Instance, CancellationToken.None);
        await using var shopify = await ShopifySimulator.StartAsync(new ShopifySimulatorOptions(), TimeProvider.System);
        await using var etsy = await EtsySimulator.StartAsync(new EtsySimulatorOptions(), TimeProvider.System);
        var settings = SimulatedChannels.Settings(shopify, etsy);
        settings["AzureWebJobsStorage"] = azurite.ConnectionString;
        settings["FuncSync:StoragePrefix"] = "benchrecon";
        settings["FuncSync:Shop"] = "bench";
        settings["Etsy:PollSchedule"] = "0 0 0 1 1 *";
        var (app, _) = await FuncSyncHost.StartOnLoopbackAsync(settings, LogLevel.Error);
        await using var running = app;

        var rows = new List<SkuMapRow>();
        for (var i = 1; i <= skus; i++)
        {
            var sku = string.Create(CultureInfo.InvariantCulture, $"RECON-{i:D4}");
            var mapping = new SkuMapping(sku, sku, [new ShopifyListing(4_100_000_000 + i, 4_300_000_000 + i, 6_500_000_001, 7_000_000_000 + i), new EtsyListing(1_500_000_000 + i, sku)]);
            shopify.AddVariant(7_000_000_000 + i, 4_100_000_000 + i, 4_300_000_000 + i, 6_500_000_001, sku, 7, sku);
            etsy.AddListing(1_500_000_000 + i, sku, [new EtsySimProduct(sku, 7, 20m, [])]);
            rows.Add(new SkuMapRow(mapping, 7));
        }

        // The import's pushes find every listing in sync; at Etsy's 10 requests/s that takes a while.
        var setup = Stopwatch.StartNew();
        await app.Services.GetRequiredService<CatalogImporter>().ImportAsync(rows, Guid.NewGuid().ToString("N"), "bench", CancellationToken.None);
        var storage = app.Services.GetRequiredService<StorageClients>();
        var names = app.Services.GetRequiredService<StorageNames>();
        foreach (var queue in new[] { names.InventoryEventsQueue, names.ChannelPushQueue })
        {
            while ((await storage.Queue(queue).GetPropertiesAsync()).Value.ApproximateMessagesCount > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), TimeProvider.System);
            }
        }

        Console.Error.WriteLine($"setup (import and its pushes): {setup.Elapsed.TotalSeconds:F0} s");
        var reconciler = app.Services.GetRequiredService<Reconciler>();
        using var operations = new StorageOperations(azurite.BlobPort, azurite.QueuePort, azurite.TablePort);
        Console.WriteLine(Header);
        Console.WriteLine(await RunOnceAsync(app.Services, reconciler, operations, "clean", fix: false));
        for (var i = 1; i <= skus; i += 20)
        {
            etsy.EditQuantityInShopManager(1_500_000_000 + i, string.Create(CultureInfo.InvariantCulture, $"RECON-{i:D4}"), 12);
        }

        var fixing = Stopwatch.StartNew();
        Console.WriteLine(await RunOnceAsync(app.Services, reconciler, operations, "5 % drifted, fix=true", fix: true));
        for (var i = 1; i <= skus; i += 20)
        {
            while (etsy.GetQuantity(1_500_000_000 + i, string.Create(CultureInfo.InvariantCulture, $"RECON-{i:D4}")) != 7)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System);
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"every drifted Etsy listing shows 7 again {fixing.Elapsed.TotalSeconds:F1} s after the fix run started"));
        Console.WriteLine(await RunOnceAsync(app.Services, reconciler, operations, "after the fix", fix: false));
        await app.StopAsync();
    }

    private static async Task<string> RunOnceAsync(IServiceProvider services, Reconciler reconciler, StorageOperations operations, string name, bool fix)
    {
        // The run's own storage requests, with whatever else the app did meanwhile (timers, the fix's pushes).
        operations.Take();
        var report = await reconciler.RunAsync(fix, null, 0, CancellationToken.None);
        var requests = operations.Take().Values.Sum();
        var remaining = services.GetRequiredKeyedService<FuncSync.Polling.PollPacer>(FuncSync.Domain.Channel.Etsy).Health(false).RemainingToday;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"| {name} | {report.Checked} | {report.Discrepancies.Count} | {(report.FinishedAt - report.StartedAt).TotalSeconds:F1} | {report.Requests.GetValueOrDefault(Channel.Etsy)} | {report.Requests.GetValueOrDefault(Channel.Shopify)} | {remaining} | {requests} |");
    }
}

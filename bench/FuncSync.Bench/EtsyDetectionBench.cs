using System.Diagnostics;
using System.Globalization;
using FuncSync.Catalog;
using FuncSync.Demo;
using FuncSync.Etsy;
using FuncSync.Hosting.Azurite;
using FuncSync.Ledger;
using FuncSync.Simulators.Etsy;
using FuncSync.Simulators.Shopify;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FuncSync.Bench;

/// <summary>Etsy detection latency: from a sale placed in the Etsy simulator to its event committed in the ledger,
/// once through the ORDER_PAID webhook and once through the adaptive receipt poll running on its own timer, at
/// Etsy's default budget (10 requests/s, 10,000 a day, half kept back for pushes). Sales are sequential, with
/// seeded random gaps, so each one's latency stands alone.</summary>
internal static class EtsyDetectionBench
{
    public const string Header = "| path | sales | p50 ms | p95 ms | max ms | poll interval at end | remaining today |\n|---|---|---|---|---|---|---|";

    public static async Task RunAsync(int webhookSales, int pollSales)
    {
        await using var azurite = await AzuriteServer.StartAsync(null, NullLogger.Instance, CancellationToken.None);
        Console.WriteLine(Header);
        Console.WriteLine(await RunPathAsync(azurite, "webhook", webhookSales, webhook: true));
        Console.WriteLine(await RunPathAsync(azurite, "poll", pollSales, webhook: false));
    }

    private static async Task<string> RunPathAsync(AzuriteServer azurite, string path, int sales, bool webhook)
    {
        var etsyOptions = new EtsySimulatorOptions();
        await using var shopify = await ShopifySimulator.StartAsync(new ShopifySimulatorOptions(), TimeProvider.System);
        await using var etsy = await EtsySimulator.StartAsync(etsyOptions, TimeProvider.System);
        var settings = SimulatedChannels.Settings(shopify, etsy);
        settings["AzureWebJobsStorage"] = azurite.ConnectionString;
        settings["FuncSync:StoragePrefix"] = "bench" + path;
        settings["FuncSync:Shop"] = "bench";
        settings["Etsy:WebhookSecret"] = etsyOptions.WebhookSecret;

        // The webhook run never polls; the poll run's timer ticks every second and the pacer picks the polls.
        settings["Etsy:PollSchedule"] = webhook ? "0 0 0 1 1 *" : "* * * * * *";
        var (app, baseUrl) = await FuncSyncHost.StartOnLoopbackAsync(settings, LogLevel.Error);
        await using var running = app;
        if (webhook)
        {
            etsy.Options.OrderPaidWebhookUrl = new Uri(baseUrl, "api/" + FuncSync.Channels.Webhooks.ChannelWebhookFunction.RouteOf(FuncSync.Domain.Channel.Etsy));
        }

        const string sku = "DETECT-01";
        const long listingId = 1_600_000_001;
        etsy.AddListing(listingId, sku, [new EtsySimProduct(sku, 900, 20m, [])]);
        var ledger = app.Services.GetRequiredService<LedgerStore>();
        await app.Services.GetRequiredService<CatalogImporter>().ImportAsync(
            [new SkuMapRow(new SkuMapping(sku, sku, [new EtsyListing(listingId, sku)]), 900)], Guid.NewGuid().ToString("N"), "bench", CancellationToken.None);
        while ((await ledger.GetStockAsync(sku, CancellationToken.None)).Level.Available != 900)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System);
        }

        var random = new Random(6);
        var latencies = new List<double>();
        for (var i = 1; i <= sales; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(200, webhook ? 600 : 8_000)), TimeProvider.System);
            var placed = Stopwatch.GetTimestamp();
            if (webhook)
            {
                await etsy.PlaceOrderAsync(listingId, sku, 1);
            }
            else
            {
                etsy.PlaceOrder(listingId, sku, 1);
            }

            while ((await ledger.GetStockAsync(sku, CancellationToken.None)).Level.Available > 900 - i)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System);
            }

            latencies.Add(Stopwatch.GetElapsedTime(placed).TotalMilliseconds);
        }

        var health = app.Services.GetRequiredKeyedService<FuncSync.Polling.PollPacer>(FuncSync.Domain.Channel.Etsy).Health(webhook);
        var sorted = latencies.Order().ToArray();
        await app.StopAsync();
        return string.Create(
            CultureInfo.InvariantCulture,
            $"| {path} | {sales} | {BenchReport.Percentile(sorted, 0.50):F0} | {BenchReport.Percentile(sorted, 0.95):F0} | {sorted[^1]:F0} | {health.IntervalSeconds:F1} s | {health.RemainingToday} |");
    }
}

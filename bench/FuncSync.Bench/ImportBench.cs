using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using FuncSync.Catalog;
using FuncSync.Demo;
using FuncSync.Hosting.Azurite;
using FuncSync.Json;
using FuncSync.Simulators.Etsy;
using FuncSync.Simulators.Shopify;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FuncSync.Bench;

/// <summary>A CSV of N SKUs with starting quantities, imported through the API as a seller would: the shop of a seller
/// who starts with FuncSync, each SKU listed on Shopify and Etsy already showing its quantity, but every 100th at 0 (a
/// count the channels missed), so most pushes find their listing in sync and 1 % must write. Both channels run with both channels at their real default limits (Etsy: 10 requests/s, 10,000 a day; Shopify's
/// standard plan). Reports the time until the job is applied, the time until every listing on each channel shows its
/// quantity (or how many do when the wait ends), Etsy requests used against the daily budget, and failed pushes.</summary>
internal static class ImportBench
{
    private const long LocationId = 6_500_000_001;

    public static async Task RunAsync(int skus, TimeSpan syncWait)
    {
        await using var azurite = await AzuriteServer.StartAsync(null, NullLogger.Instance, CancellationToken.None);
        await using var shopify = await ShopifySimulator.StartAsync(new ShopifySimulatorOptions(), TimeProvider.System);
        var etsyOptions = new EtsySimulatorOptions();
        await using var etsy = await EtsySimulator.StartAsync(etsyOptions, TimeProvider.System);
        var settings = SimulatedChannels.Settings(shopify, etsy);
        settings["AzureWebJobsStorage"] = azurite.ConnectionString;
        settings["FuncSync:StoragePrefix"] = "benchimport";
        settings["FuncSync:Shop"] = "bench";
        settings["FuncSync:AdminKey"] = "bench-admin-key";
        settings["Etsy:PollSchedule"] = "0 0 0 1 1 *";
        var (app, baseUrl) = await FuncSyncHost.StartOnLoopbackAsync(settings, LogLevel.Error);
        await using var running = app;

        var failedPushes = new ConcurrentDictionary<string, int>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "funcsync.push.duration")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            string? channel = null;
            var failed = false;
            foreach (var tag in tags)
            {
                channel = tag.Key == "channel" ? tag.Value as string : channel;
                failed |= tag.Key == "outcome" && (tag.Value as string) == "failed";
            }

            if (failed)
            {
                failedPushes.AddOrUpdate(channel ?? "?", 1, (_, n) => n + 1);
            }
        });
        listener.Start();

        var csv = new StringBuilder("sku,title,quantity,shopify_product_id,shopify_variant_id,shopify_inventory_item_id,shopify_location_id,etsy_listing_id,etsy_sku\n");
        var expected = new List<(string Sku, int N, int Quantity)>(skus);
        for (var n = 1; n <= skus; n++)
        {
            var sku = string.Create(CultureInfo.InvariantCulture, $"IMPORT-{n:D6}");
            var quantity = 1 + (n % 9);
            var shown = n % 100 == 0 ? 0 : quantity;
            shopify.AddVariant(7_000_000_000 + n, 4_100_000_000 + n, 4_300_000_000 + n, LocationId, sku, shown, sku);
            etsy.AddListing(1_500_000_000 + n, sku, [new EtsySimProduct(sku, shown, 20m, [])]);
            csv.Append(CultureInfo.InvariantCulture, $"{sku},{sku},{quantity},{7_000_000_000 + n},{4_100_000_000 + n},{4_300_000_000 + n},{LocationId},{1_500_000_000 + n},{sku}\n");
            expected.Add((sku, n, quantity));
        }

        using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Add("x-functions-key", "bench-admin-key");
        var etsyBefore = etsy.RequestLog.Count;
        var bytes = Encoding.UTF8.GetBytes(csv.ToString());
        var clock = Stopwatch.StartNew();
        using var response = await http.PutAsync("api/mappings.csv", new ByteArrayContent(bytes) { Headers = { { "Content-Type", "text/csv" } } });
        var accepted = clock.Elapsed;
        var job = await response.Content.ReadFromJsonAsync(FuncSyncJson.Default.ImportJobView)
            ?? throw new InvalidOperationException($"The import was answered {(int)response.StatusCode}.");
        while (job.State is not (ImportState.Completed or ImportState.Failed))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), TimeProvider.System);
            job = (await http.GetFromJsonAsync(job.Url.TrimStart('/'), FuncSyncJson.Default.ImportJobView))!;
        }

        var imported = clock.Elapsed;
        var pushQueue = app.Services.GetRequiredService<FuncSync.Hosting.Storage.StorageClients>()
            .Queue(app.Services.GetRequiredService<FuncSync.Storage.StorageNames>().ChannelPushQueue);
        TimeSpan? drained = null;
        TimeSpan? shopifyInSync = null;
        TimeSpan? etsyInSync = null;
        var shopifyShown = 0;
        var etsyShown = 0;
        while (clock.Elapsed < imported + syncWait && (shopifyInSync is null || etsyInSync is null || drained is null))
        {
            shopifyShown = expected.Count(e => shopify.GetAvailable(4_300_000_000 + e.N, LocationId) == e.Quantity);
            etsyShown = expected.Count(e => etsy.GetQuantity(1_500_000_000 + e.N, e.Sku) == e.Quantity);
            shopifyInSync ??= shopifyShown == skus ? clock.Elapsed : null;
            etsyInSync ??= etsyShown == skus ? clock.Elapsed : null;
            drained = (await pushQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0 ? drained ?? clock.Elapsed : null;
            await Task.Delay(TimeSpan.FromSeconds(1), TimeProvider.System);
        }

        var etsyLog = etsy.RequestLog.Skip(etsyBefore).ToList();
        var etsyRequests = etsyLog.Count;
        var etsyWrites = etsyLog.Count(r => !r.StartsWith("GET ", StringComparison.Ordinal));
        var pushesLeft = (await pushQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount;
        static string Seconds(TimeSpan? t) => t is { } v ? v.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) : "—";
        Console.WriteLine("| SKUs | CSV MB | answered (202) s | imported s | Shopify in sync s | Etsy in sync s | pushes drained s | Etsy requests (writes) | of daily budget | failed pushes |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {skus} | {bytes.Length / 1e6:F2} | {accepted.TotalSeconds:F2} | {imported.TotalSeconds:F1} ({job.State}) | {Seconds(shopifyInSync)}{(shopifyInSync is null ? $" ({shopifyShown} of {skus} after {syncWait.TotalSeconds:F0} s)" : string.Empty)} | {Seconds(etsyInSync)}{(etsyInSync is null ? $" ({etsyShown} of {skus} after {syncWait.TotalSeconds:F0} s)" : string.Empty)} | {Seconds(drained)}{(drained is null ? $" ({pushesLeft} left)" : string.Empty)} | {etsyRequests} ({etsyWrites}) | {100.0 * etsyRequests / etsyOptions.QueriesPerDay:F1} % | {string.Join(", ", failedPushes.Select(f => $"{f.Key} {f.Value}"))} |"));
        await app.StopAsync();
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using FuncSync.Demo;
using FuncSync.Hosting.Azurite;
using FuncSync.Hosting.Storage;
using FuncSync.Simulators.Etsy;
using FuncSync.Simulators.Faults;
using FuncSync.Simulators.Shopify;
using FuncSync.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FuncSync.Bench;

/// <summary>The webhook fuzz run: <c>count</c> seeded deliveries per webhook endpoint (Shopify and Etsy), malformed in
/// every field and header, signed and unsigned, against the real app on loopback. Invalid ones go first, on their own,
/// so anything they wrote is counted exactly; then the rest. Reports 5xx answers, rows and messages written by invalid
/// deliveries, and the app's memory before and after.</summary>
internal static class FuzzBench
{
    public static async Task RunAsync(int count, int seed)
    {
        await using var azurite = await AzuriteServer.StartAsync(null, NullLogger.Instance, CancellationToken.None);
        var etsyOptions = new EtsySimulatorOptions();
        await using var shopify = await ShopifySimulator.StartAsync(new ShopifySimulatorOptions(), TimeProvider.System);
        await using var etsy = await EtsySimulator.StartAsync(etsyOptions, TimeProvider.System);
        var settings = SimulatedChannels.Settings(shopify, etsy);
        settings["AzureWebJobsStorage"] = azurite.ConnectionString;
        settings["FuncSync:StoragePrefix"] = "fuzz";
        settings["FuncSync:Shop"] = "fuzz";
        settings["Etsy:WebhookSecret"] = etsyOptions.WebhookSecret;
        settings["Etsy:PollSchedule"] = "0 0 0 1 1 *";
        var (app, baseUrl) = await FuncSyncHost.StartOnLoopbackAsync(settings, LogLevel.Critical);
        await using var running = app;
        using var http = new HttpClient { BaseAddress = baseUrl };

        var fuzzer = new WebhookFuzzer(seed, shopify.Options.WebhookSecret, shopify.Options.ShopDomain, etsyOptions.WebhookSecret, etsy.Options.ShopId, TimeProvider.System.GetUtcNow);
        var deliveries = Enumerable.Range(0, count).SelectMany(_ => new[] { fuzzer.NextShopify(), fuzzer.NextEtsy() }).ToList();

        // A short warm-up, so "before" is the app at work rather than before its first request; invalid deliveries
        // only, so nothing it sends is still being applied while the invalid ones are counted.
        await SendAllAsync(http, [.. new WebhookFuzzer(seed + 1, shopify.Options.WebhookSecret, shopify.Options.ShopDomain, etsyOptions.WebhookSecret, etsy.Options.ShopId, TimeProvider.System.GetUtcNow).Take(200).Where(d => d.MustWriteNothing)]);
        var before = Memory();
        var names = app.Services.GetRequiredService<StorageNames>();
        var storage = app.Services.GetRequiredService<StorageClients>();
        var (queuedBefore, rowsBefore) = await WrittenAsync(storage, names);

        var clock = Stopwatch.StartNew();
        var invalid = await SendAllAsync(http, deliveries.Where(d => d.MustWriteNothing).ToList());
        var (queued, rows) = await WrittenAsync(storage, names);
        var others = await SendAllAsync(http, deliveries.Where(d => !d.MustWriteNothing).ToList());
        clock.Stop();
        var after = Memory();

        Console.WriteLine("| endpoint | deliveries | invalid by construction | 5xx | invalid answered 2xx/4xx | messages + rows written by invalid (both endpoints) |");
        Console.WriteLine("|---|---:|---:|---:|---|---:|");
        foreach (var path in new[] { WebhookFuzzer.ShopifyPath, WebhookFuzzer.EtsyPath })
        {
            var all = invalid.Concat(others).Where(a => a.Delivery.Path == path).ToList();
            var bad = invalid.Where(a => a.Delivery.Path == path).ToList();
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| /{path} | {all.Count:N0} | {bad.Count:N0} | {all.Count(a => a.Status >= 500)} | {bad.Count(a => a.Status is >= 200 and < 300):N0} / {bad.Count(a => a.Status is >= 400 and < 500):N0} | {(queued - queuedBefore) + (rows - rowsBefore)} |"));
        }

        foreach (var (mutation, statuses) in invalid.Concat(others).GroupBy(a => a.Delivery.Mutation).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (g.Key, g.GroupBy(a => a.Status).OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Count()}"))))
        {
            Console.WriteLine($"  {mutation}: {string.Join(", ", statuses)}");
        }

        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{deliveries.Count:N0} deliveries in {clock.Elapsed.TotalSeconds:0.0} s; managed heap after full GC {before.Heap / 1048576.0:0.0} → {after.Heap / 1048576.0:0.0} MiB, working set {before.WorkingSet / 1048576.0:0} → {after.WorkingSet / 1048576.0:0} MiB"));
        Console.WriteLine("(messages + rows: inventory-events, level checks, alerts, pushes; Ledger, Unmapped, Alerts tables; kept raw bodies are blobs and not counted)");
    }

    private static IEnumerable<FuzzedDelivery> Take(this WebhookFuzzer fuzzer, int count) =>
        Enumerable.Range(0, count).SelectMany(_ => new[] { fuzzer.NextShopify(), fuzzer.NextEtsy() });

    private static (long Heap, long WorkingSet) Memory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(forceFullCollection: true), process.WorkingSet64);
    }

    private static async Task<(long Messages, long Rows)> WrittenAsync(StorageClients storage, StorageNames names)
    {
        long messages = 0;
        foreach (var queue in new[] { names.InventoryEventsQueue, names.ShopifyLevelChecksQueue, names.AlertsQueue, names.ChannelPushQueue })
        {
            var client = storage.Queue(queue);
            messages += await client.ExistsAsync() ? (await client.GetPropertiesAsync()).Value.ApproximateMessagesCount : 0;
        }

        long rows = 0;
        foreach (var table in new[] { names.LedgerTable, names.UnmappedTable, names.AlertsTable })
        {
            await foreach (var unused in storage.Table(table).QueryAsync<TableEntity>(select: ["RowKey"]))
            {
                rows++;
            }
        }

        return (messages, rows);
    }

    private static async Task<IReadOnlyList<(FuzzedDelivery Delivery, int Status)>> SendAllAsync(HttpClient http, IReadOnlyList<FuzzedDelivery> deliveries)
    {
        var answers = new ConcurrentBag<(FuzzedDelivery, int)>();
        await Parallel.ForEachAsync(deliveries, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (delivery, ct) =>
        {
            using var request = delivery.ToRequest();
            using var response = await http.SendAsync(request, ct);
            answers.Add((delivery, (int)response.StatusCode));
        });
        return [.. answers];
    }
}

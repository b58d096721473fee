using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using FuncSync.Catalog;
using FuncSync.Demo;
using FuncSync.Domain;
using FuncSync.Domain.Ledger;
using FuncSync.Etsy;
using FuncSync.Hosting.Azurite;
using FuncSync.Hosting.Storage;
using FuncSync.Json;
using FuncSync.Ledger;
using FuncSync.Push;
using FuncSync.Shopify;
using FuncSync.Simulators.Etsy;
using FuncSync.Simulators.Shopify;
using FuncSync.Skus;
using FuncSync.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FuncSync.Bench;

/// <summary>The stock grid's polls at N SKUs listed on Shopify and Etsy: the bytes, storage requests and time of the
/// whole list (what the grid polled before), the first page, a poll of the unchanged shop, and a poll after one count.
/// Storage requests are those of the request itself: the bench starts a trace per request, the app's storage calls
/// carry it, and a listener counts the storage calls of that trace only (timers and queues running meanwhile are not).
/// Then the dashboard itself in headless Chromium (<see cref="GridRenderBench"/>).</summary>
internal static class GridBench
{
    private const long LocationId = 6_500_000_001;
    private const int Repeats = 7;
    private const int Changes = 5;

    private static readonly ActivitySource Source = new("FuncSync.Bench.Grid");

    public static async Task RunAsync(int skus)
    {
        await using var azurite = await AzuriteServer.StartAsync(null, NullLogger.Instance, CancellationToken.None);
        await using var shopify = await ShopifySimulator.StartAsync(new ShopifySimulatorOptions { ThrottleMaximumAvailable = 1_000_000, ThrottleRestoreRate = 1_000_000 }, TimeProvider.System);
        await using var etsy = await EtsySimulator.StartAsync(new EtsySimulatorOptions { QueriesPerSecond = 1000, QueriesPerDay = 10_000_000 }, TimeProvider.System);
        var settings = SimulatedChannels.Settings(shopify, etsy);
        settings["AzureWebJobsStorage"] = azurite.ConnectionString;
        settings["FuncSync:StoragePrefix"] = "benchgrid";
        settings["FuncSync:Shop"] = "bench";
        settings["FuncSync:AdminKey"] = "bench-admin-key";
        settings["Etsy:PollSchedule"] = "0 0 0 1 1 *";
        var (app, baseUrl) = await FuncSyncHost.StartOnLoopbackAsync(settings, LogLevel.Error);
        await using var running = app;

        var setup = Stopwatch.StartNew();
        var changed = await LoadAsync(app.Services, shopify, etsy, skus);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"setup ({skus} SKUs mapped, counted and recorded as pushed to both channels): {setup.Elapsed.TotalSeconds:F0} s"));

        using var counter = new TraceStorageCounter(azurite.BlobPort, azurite.QueuePort, azurite.TablePort);
        using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Add("x-functions-key", "bench-admin-key");
        var results = new List<(string What, List<Measured> Runs)>
        {
            ("whole list, `GET /api/skus` (what the grid polled before)", await RepeatAsync(3, () => MeasureAsync(http, counter, "api/skus"))),
            ("first page of 100, `GET /api/skus?page=1&pageSize=100`", await RepeatAsync(Repeats, () => MeasureAsync(http, counter, "api/skus?page=1&pageSize=100"))),
        };

        var token = await QuietTokenAsync(http);
        var unchanged = new List<Measured>();
        for (var i = 0; i < Repeats; i++)
        {
            var poll = await MeasureAsync(http, counter, $"api/skus?since={token}");
            token = (await poll.Json<SkuDelta>()).Token;
            unchanged.Add(poll);
            await Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider.System);
        }

        results.Add(("poll of the unchanged shop, `GET /api/skus?since=…`", unchanged));
        var afterChange = new List<Measured>();
        var pushQueue = app.Services.GetRequiredService<StorageClients>().Queue(app.Services.GetRequiredService<StorageNames>().ChannelPushQueue);
        foreach (var sku in changed)
        {
            token = await QuietTokenAsync(http, token);
            using var count = await http.PutAsJsonAsync($"api/skus/{sku}/count", new Dictionary<string, int> { ["quantity"] = 3 });
            count.EnsureSuccessStatusCode();
            while ((await pushQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System);
            }

            // The push has recorded what each channel shows: the poll carries the count and both channels' records.
            await Task.Delay(TimeSpan.FromSeconds(1), TimeProvider.System);
            var poll = await MeasureAsync(http, counter, $"api/skus?since={token}");
            var delta = await poll.Json<SkuDelta>();
            if (!delta.Skus.Any(s => s.Sku == sku && s.Available == 3))
            {
                throw new InvalidOperationException($"The poll after counting {sku} did not carry it.");
            }

            afterChange.Add(poll);
            token = delta.Token;
        }

        results.Add(("poll after one count (its stock row and two push records changed)", afterChange));
        var renders = await GridRenderBench.RunAsync(baseUrl, "bench-admin-key", 5);
        var load = File.Exists("/proc/loadavg") ? (await File.ReadAllTextAsync("/proc/loadavg")).Split(' ')[0] : "?";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{skus} SKUs on Shopify and Etsy; medians of the runs; load average {load}"));
        Console.WriteLine("| request | runs | bytes | storage requests | time ms (median) | time ms (max) |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var (what, runs) in results)
        {
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {what} | {runs.Count} | {Median(runs.Select(r => (double)r.Bytes)):N0} | {Median(runs.Select(r => (double)r.StorageRequests)):F0} | {Median(runs.Select(r => r.Milliseconds)):F1} | {runs.Max(r => r.Milliseconds):F1} |"));
        }

        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| the dashboard opened in Chromium: navigation to the grid's first row, the page's weight as transferred ({Median(renders.Select(r => (double)r.Requests)):F0} requests) | {renders.Count} | {Median(renders.Select(r => (double)r.Bytes)):N0} | | {Median(renders.Select(r => r.Milliseconds)):F1} | {renders.Max(r => r.Milliseconds):F1} |"));

        await app.StopAsync();
    }

    /// <summary>Maps <paramref name="skus"/> SKUs in batches, counts them without pushes, and records both channels as
    /// showing the count, as a catalogue in sync looks; the few SKUs the bench changes are listed on the simulators.</summary>
    private static async Task<IReadOnlyList<string>> LoadAsync(IServiceProvider services, ShopifySimulator shopify, EtsySimulator etsy, int skus)
    {
        var map = services.GetRequiredService<SkuMapStore>();
        var ledger = services.GetRequiredService<LedgerStore>();
        var pushes = services.GetRequiredService<PushStore>();
        var time = TimeProvider.System;
        var mappings = Enumerable.Range(1, skus).Select(n =>
        {
            var sku = string.Create(CultureInfo.InvariantCulture, $"GRID-{n:D6}");
            return new SkuMapping(sku, $"Hand-thrown mug no. {n}", [new ShopifyListing(4_100_000_000 + n, 4_300_000_000 + n, LocationId, 7_000_000_000 + n), new EtsyListing(1_500_000_000 + n, sku)]);
        }).ToList();
        var claimed = mappings.SelectMany(m => m.Listings).ToHashSet();
        foreach (var batch in mappings.Chunk(100))
        {
            await map.UpsertBatchAsync(batch, claimed, CancellationToken.None);
            var now = time.GetUtcNow();
            await ledger.ApplyCountsAsync([.. batch.Select(m => new CountToApply(new InventoryEventReceived("bench:" + m.Sku, InventoryEventKind.Count, "bench", null, m.Sku, 7, now, now, null, "count"), []))], CancellationToken.None);
        }

        await Parallel.ForEachAsync(mappings, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (m, ct) =>
        {
            var at = time.GetUtcNow();
            foreach (var channel in new[] { Channel.Shopify, Channel.Etsy })
            {
                await pushes.TryRecordAsync(new PushRecord(m.Sku, channel, 7, 7, PushStatus.InSync, 1, at, at), default, ct);
            }
        });

        var changed = mappings.Select((m, i) => (m, i)).Where(x => x.i % Math.Max(1, skus / Changes) == 0).Take(Changes).Select(x => x.m).ToList();
        foreach (var m in changed)
        {
            var n = long.Parse(m.Sku["GRID-".Length..], CultureInfo.InvariantCulture);
            shopify.AddVariant(7_000_000_000 + n, 4_100_000_000 + n, 4_300_000_000 + n, LocationId, m.Sku, 7, m.Sku);
            etsy.AddListing(1_500_000_000 + n, m.Sku, [new EtsySimProduct(m.Sku, 7, 20m, [])]);
        }

        return [.. changed.Select(m => m.Sku)];
    }

    /// <summary>Polls until an answer carries no rows (the overlap behind the service's clock has passed): the token
    /// of that answer has seen every change so far.</summary>
    private static async Task<string> QuietTokenAsync(HttpClient http, string? token = null)
    {
        token ??= (await http.GetFromJsonAsync("api/skus?page=1&pageSize=1", FuncSyncJson.Default.SkuPage))!.Token;
        while (true)
        {
            var delta = (await http.GetFromJsonAsync($"api/skus?since={token}", FuncSyncJson.Default.SkuDelta))!;
            token = delta.Token;
            if (delta.Skus.Count == 0 && !delta.Reset)
            {
                return token;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), TimeProvider.System);
        }
    }

    private static async Task<List<Measured>> RepeatAsync(int times, Func<Task<Measured>> measure)
    {
        var runs = new List<Measured>(times);
        for (var i = 0; i < times; i++)
        {
            runs.Add(await measure());
        }

        return runs;
    }

    private static async Task<Measured> MeasureAsync(HttpClient http, TraceStorageCounter counter, string path)
    {
        using var activity = Source.StartActivity("grid request") ?? throw new InvalidOperationException("The bench's activity was not sampled.");
        var clock = Stopwatch.StartNew();
        using var response = await http.GetAsync(path);
        var body = await response.Content.ReadAsByteArrayAsync();
        clock.Stop();
        response.EnsureSuccessStatusCode();
        return new Measured(body, body.Length, counter.Take(activity.TraceId), clock.Elapsed.TotalMilliseconds);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private sealed record Measured(byte[] Body, int Bytes, int StorageRequests, double Milliseconds)
    {
        public async Task<T> Json<T>()
        {
            await using var stream = new MemoryStream(Body);
            return (T)(await System.Text.Json.JsonSerializer.DeserializeAsync(stream, typeof(T), FuncSyncJson.Default))!;
        }
    }

    /// <summary>Storage requests by the trace they belong to. The app's HTTP server continues the bench's trace (it listens
    /// to ASP.NET Core's activities, so the server starts one from the request's traceparent), and its storage calls
    /// are that activity's children.</summary>
    private sealed class TraceStorageCounter : IDisposable
    {
        private readonly ActivityListener _listener;
        private readonly HashSet<int> _ports;
        private readonly ConcurrentDictionary<ActivityTraceId, int> _counts = new();

        public TraceStorageCounter(params int[] ports)
        {
            _ports = [.. ports];
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name is "System.Net.Http" or "Microsoft.AspNetCore" or "FuncSync.Bench.Grid",
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
                ActivityStopped = Count,
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public int Take(ActivityTraceId trace) => _counts.TryRemove(trace, out var n) ? n : 0;

        public void Dispose() => _listener.Dispose();

        private void Count(Activity activity)
        {
            if (activity.Source.Name == "System.Net.Http" && activity.GetTagItem("url.full") is string url && Uri.TryCreate(url, UriKind.Absolute, out var uri) && _ports.Contains(uri.Port))
            {
                _counts.AddOrUpdate(activity.TraceId, 1, static (_, n) => n + 1);
            }
        }
    }
}

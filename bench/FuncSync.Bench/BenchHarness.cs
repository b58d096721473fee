using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using FuncSync.Catalog;
using FuncSync.Demo;
using FuncSync.Etsy;
using FuncSync.Hosting.Azurite;
using FuncSync.Shopify;
using FuncSync.Simulators.Etsy;
using FuncSync.Simulators.Shopify;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FuncSync.Bench;

/// <summary>Azurite, both simulators and the real app on loopback. Each order sells one unit of a
/// SKU on Shopify; its latency ends when Etsy's simulator receives a quantity at or below the one
/// that order implies (a later order's push may carry it: pushes are level-triggered).</summary>
internal sealed class BenchHarness : IAsyncDisposable
{
    private const int StartQuantity = 999;

    private readonly AzuriteServer _azurite;
    private readonly string _dataDirectory;
    private readonly ShopifySimulator _shopify;
    private readonly EtsySimulator _etsy;
    private readonly WebApplication _app;
    private readonly BenchOptions _options;
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<int, long>> _pending = new();
    private readonly ConcurrentBag<double> _latencies = [];

    // Each delivered order's latency by when its webhook was accepted, for where in a run the slow ones fall.
    private readonly ConcurrentBag<(long AcceptedAt, double Ms)> _timed = [];
    private long _runStarted;
    private int _nextItem;

    private BenchHarness(AzuriteServer azurite, string dataDirectory, ShopifySimulator shopify, EtsySimulator etsy, WebApplication app, BenchOptions options)
    {
        _azurite = azurite;
        _dataDirectory = dataDirectory;
        _shopify = shopify;
        _etsy = etsy;
        _app = app;
        _options = options;
        _etsy.InventoryChanged += OnEtsyChanged;
    }

    public static async Task<BenchHarness> StartAsync(BenchOptions options)
    {
        // On disk, as `dotnet run` runs it locally: in memory, Azurite keeps each queue message in an extent of its own,
        // and its queue GC (every 60 s) removes them one by one, each removal updating an index of all of them; once a
        // few thousand messages have come and gone that freezes every Azurite service for about 10 s, which no Azure
        // Storage account and no Azurite on disk (many messages to an extent) does.
        var dataDirectory = Directory.CreateTempSubdirectory("funcsync-bench-").FullName;
        var azurite = await AzuriteServer.StartAsync(dataDirectory, NullLogger.Instance, CancellationToken.None);
        var shopify = await ShopifySimulator.StartAsync(new ShopifySimulatorOptions { ThrottleMaximumAvailable = 1_000_000, ThrottleRestoreRate = 1_000_000 }, TimeProvider.System);
        var etsy = await EtsySimulator.StartAsync(new EtsySimulatorOptions { QueriesPerSecond = options.EtsyQueriesPerSecond, QueriesPerDay = 10_000_000 }, TimeProvider.System);
        var settings = SimulatedChannels.Settings(shopify, etsy);
        settings["AzureWebJobsStorage"] = azurite.ConnectionString;
        settings["FuncSync:Shop"] = "bench";
        settings["Etsy:PollSchedule"] = "0 0 0 1 1 *";
        var (app, baseUrl) = await FuncSyncHost.StartOnLoopbackAsync(settings, LogLevel.Error);
        shopify.Options.WebhookUrl = new Uri(baseUrl, "api/webhooks/shopify");
        return new BenchHarness(azurite, dataDirectory, shopify, etsy, app, options);
    }

    public async Task<BenchResult> RunAsync(int rate)
    {
        var items = await StockAsync(_options.Skus);
        var quantities = items.ToDictionary(i => i.Mapping.Sku, _ => StartQuantity);
        _latencies.Clear();
        _timed.Clear();
        _runStarted = Stopwatch.GetTimestamp();
        var orders = rate * _options.Seconds;
        var failed = 0;
        using var storage = _options.CountStorage ? new StorageOperations(_azurite.BlobPort, _azurite.QueuePort, _azurite.TablePort) : null;

        // Azurite's own latency beside the orders': a point read every 100 ms, so a slow stretch of orders can be told
        // from a slow stretch of storage (its requests are taken off the count).
        using var probing = new CancellationTokenSource();
        var probe = ProbeStorageAsync(probing.Token);
        var tasks = new List<Task>(orders);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < orders; i++)
        {
            // Open loop: order i leaves at i / rate seconds whatever happened to the others.
            var due = TimeSpan.FromSeconds((double)i / rate);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed, TimeProvider.System);
            }

            var item = items[i % items.Count];
            var expected = --quantities[item.Mapping.Sku];
            tasks.Add(Task.Run(async () =>
            {
                var result = await _shopify.PlaceOrderAsync([(item.Mapping.Shopify!.VariantId, 1)]);
                if (result?.WebhookStatus != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref failed);
                    return;
                }

                // The clock starts when the webhook was accepted.
                _pending.GetOrAdd(item.Mapping.Sku, _ => new())[expected] = Stopwatch.GetTimestamp();
                Settle(item.Mapping.Sku, _etsy.GetQuantity(item.Mapping.Etsy!.ListingId, item.Mapping.Sku), null);
            }));
        }

        await Task.WhenAll(tasks);
        var achieved = orders / clock.Elapsed.TotalSeconds;
        var deadline = Stopwatch.StartNew();
        while (_pending.Values.Any(p => !p.IsEmpty) && deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System);
        }

        var lost = _pending.Values.Sum(p => p.Count);
        _pending.Clear();

        // What follows the last write to Etsy (the push record, the deletes) belongs to the orders too.
        double? perOrder = null;
        if (storage is not null)
        {
            await Task.Delay(TimeSpan.FromSeconds(3), TimeProvider.System);
        }

        await probing.CancelAsync();
        var probes = await probe;
        if (storage is not null)
        {
            // The probe's reads and peeks and its table's and queue's creation.
            perOrder = (double)(storage.Take().Values.Sum() - (2 * probes.Count) - 2) / orders;
        }

        var storageMax = probes.GroupBy(x => (int)(Stopwatch.GetElapsedTime(_runStarted, x.At).TotalSeconds / 10))
            .OrderBy(g => g.Key)
            .Select(g => (g.Max(x => x.TableMs), g.Max(x => x.QueueMs)))
            .ToList();

        // The 99th percentile of each 10 s of the run, by when the orders were accepted.
        var windows = _timed.GroupBy(x => (int)(Stopwatch.GetElapsedTime(_runStarted, x.AcceptedAt).TotalSeconds / 10))
            .OrderBy(g => g.Key)
            .Select(g => BenchReport.Percentile([.. g.Select(x => x.Ms).Order()], 0.99));
        return new BenchResult(rate, orders, achieved, [.. _latencies], lost, failed, perOrder) { P99By10s = [.. windows], StorageByKind = storage?.ByWindow() ?? [], StorageMaxBy10s = [.. storageMax.Select(m => m.Item1)], QueueMaxBy10s = [.. storageMax.Select(m => m.Item2)] };
    }

    /// <summary>Storage requests per one-line Shopify order, one order at a time (each waits until Etsy shows it), with
    /// the idle rate (timers, empty-queue polls) measured first and taken off pro rata.</summary>
    public async Task<StorageOperationsResult> CountStorageOperationsAsync(int orders, TimeSpan idleWindow)
    {
        var items = await StockAsync(orders);
        using var operations = new StorageOperations(_azurite.BlobPort, _azurite.QueuePort, _azurite.TablePort);
        var idleClock = Stopwatch.StartNew();
        await Task.Delay(idleWindow, TimeProvider.System);
        var idle = operations.Take();
        var idleSeconds = idleClock.Elapsed.TotalSeconds;

        var clock = Stopwatch.StartNew();
        foreach (var item in items)
        {
            var result = await _shopify.PlaceOrderAsync([(item.Mapping.Shopify!.VariantId, 1)]);
            if (result?.WebhookStatus != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"The webhook for {item.Mapping.Sku} was answered {result?.WebhookStatus}.");
            }

            var deadline = Stopwatch.StartNew();
            while (_etsy.GetQuantity(item.Mapping.Etsy!.ListingId, item.Mapping.Sku) != StartQuantity - 1)
            {
                if (deadline.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new TimeoutException($"Etsy never showed {item.Mapping.Sku}'s sale.");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System);
            }
        }

        // What follows the last write to Etsy (the push record, the deletes) belongs to the orders too.
        await Task.Delay(TimeSpan.FromSeconds(3), TimeProvider.System);
        var busy = operations.Take();
        var busySeconds = clock.Elapsed.TotalSeconds;
        return new StorageOperationsResult(orders, busySeconds, idleSeconds, busy, idle);
    }

    /// <summary>Azurite's own latency beside the orders', one table point read and one queue peek every 100 ms: a slow
    /// stretch of orders can be told from a pause of either service.</summary>
    private async Task<List<(long At, double TableMs, double QueueMs)>> ProbeStorageAsync(CancellationToken cancellationToken)
    {
        var table = new Azure.Data.Tables.TableClient(_azurite.ConnectionString, "benchprobe");
        await table.CreateIfNotExistsAsync(CancellationToken.None);
        var queue = new Azure.Storage.Queues.QueueClient(_azurite.ConnectionString, "benchprobe");
        await queue.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None);
        var probes = new List<(long, double, double)>();
        while (!cancellationToken.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            await table.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>("probe", "probe", cancellationToken: CancellationToken.None);
            var tableMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var peeked = Stopwatch.GetTimestamp();
            await queue.PeekMessagesAsync(1, CancellationToken.None);
            probes.Add((started, tableMs, Stopwatch.GetElapsedTime(peeked).TotalMilliseconds));
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return probes;
    }

    private void OnEtsyChanged(EtsyInventoryChanged change) => Settle(change.Sku, change.Quantity, Stopwatch.GetTimestamp());

    /// <summary>Every pending order of the SKU whose quantity Etsy now shows (or lower) is delivered.</summary>
    private void Settle(string sku, int quantity, long? at)
    {
        if (!_pending.TryGetValue(sku, out var pending))
        {
            return;
        }

        foreach (var (expected, accepted) in pending)
        {
            if (quantity <= expected && pending.TryRemove(expected, out _))
            {
                // An order whose quantity was already on Etsy by the time its webhook returned counts as zero.
                var ms = at is { } t ? Math.Max(0, Stopwatch.GetElapsedTime(accepted, t).TotalMilliseconds) : 0;
                _latencies.Add(ms);
                _timed.Add((accepted, ms));
            }
        }
    }

    private async Task<List<SkuMapRow>> StockAsync(int count)
    {
        var rows = new List<SkuMapRow>();
        for (var i = 0; i < count; i++)
        {
            var n = Interlocked.Increment(ref _nextItem);
            var sku = string.Create(CultureInfo.InvariantCulture, $"BENCH-{n:D5}");
            var mapping = new SkuMapping(sku, sku, [new ShopifyListing(4_100_000_000 + n, 4_300_000_000 + n, 6_500_000_001, 7_000_000_000 + n), new EtsyListing(1_500_000_000 + n, sku)]);
            _shopify.AddVariant(mapping.Shopify!.ProductId!.Value, mapping.Shopify!.VariantId, mapping.Shopify!.InventoryItemId, mapping.Shopify!.LocationId, sku, StartQuantity, sku);
            _etsy.AddListing(mapping.Etsy!.ListingId, sku, [new EtsySimProduct(sku, StartQuantity, 20m, [])]);
            rows.Add(new SkuMapRow(mapping, StartQuantity));
        }

        var importer = _app.Services.GetRequiredService<CatalogImporter>();
        var ledger = _app.Services.GetRequiredService<Ledger.LedgerStore>();
        await importer.ImportAsync(rows, Guid.NewGuid().ToString("N"), "bench", CancellationToken.None);
        foreach (var row in rows)
        {
            while ((await ledger.GetStockAsync(row.Mapping.Sku, CancellationToken.None)).Version == 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System);
            }
        }

        // Let the import's own pushes (all "in sync") finish before measuring: every listing recorded at its SKU's
        // counted version, none writing. An empty push queue is not enough, since the pushes it handed out may still run.
        var pushes = _app.Services.GetRequiredService<Push.PushStore>();
        var skus = rows.Select(r => r.Mapping.Sku).Order(StringComparer.Ordinal).ToList();
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var sku in skus)
        {
            versions[sku] = (await ledger.GetStockAsync(sku, CancellationToken.None)).Version;
        }

        var listings = rows.Sum(r => r.Mapping.Channels.Count());
        var settling = Stopwatch.StartNew();
        while ((await pushes.ListAsync(skus[0], skus[^1], CancellationToken.None))
            .Count(r => versions.TryGetValue(r.Sku, out var version) && r.LedgerVersion >= version && r.WritingId is null) < listings)
        {
            if (settling.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException($"The import's pushes of {rows.Count} SKUs did not all finish within 2 minutes.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System);
        }

        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        _etsy.InventoryChanged -= OnEtsyChanged;
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _shopify.DisposeAsync();
        await _etsy.DisposeAsync();
        await _azurite.DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using FuncSync.Catalog;
using FuncSync.Demo;
using FuncSync.Etsy;
using FuncSync.Hosting.Azurite;
using FuncSync.Ledger;
using FuncSync.Shopify;
using FuncSync.Simulators.Etsy;
using FuncSync.Simulators.Faults;
using FuncSync.Simulators.Shopify;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FuncSync.Bench.Faults;

/// <summary>One fault run's world on loopback: Azurite behind a freezable proxy, both simulators, and FuncSync, either in
/// this process or as a separate process that can be killed. Buyers order one unit of a seeded random SKU on Shopify;
/// the rig knows every order placed, so it can tell, per SKU, whether the ledger and both channels hold exactly what
/// those orders leave: more is a lost order, less a double-applied one.</summary>
internal sealed class FaultRig : IAsyncDisposable
{
    public const int StartQuantity = 900;
    private const int Skus = 12;

    private readonly AzuriteServer _azurite;
    private readonly FreezableStorage _storage;
    private readonly WebApplication _control;
    private readonly Random _random;
    private readonly ConcurrentDictionary<string, int> _placed = new();
    private readonly List<SkuMapRow> _items;

    private FaultRig(AzuriteServer azurite, FreezableStorage storage, ShopifySimulator shopify, EtsySimulator etsy, WebApplication control, List<SkuMapRow> items, Dictionary<string, string?> settings, int seed)
    {
        _azurite = azurite;
        _storage = storage;
        Shopify = shopify;
        Etsy = etsy;
        _control = control;
        _items = items;
        Settings = settings;
        _random = new Random(seed);
    }

    public ShopifySimulator Shopify { get; }

    public EtsySimulator Etsy { get; }

    /// <summary>The settings FuncSync runs with, for a separate process.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    public int Placed => _placed.Values.Sum();

    /// <param name="runTriggers">False when FuncSync's triggers run in a separate process; this one then only imports and observes.</param>
    /// <param name="processUrl">Where a separate FuncSync process listens, for Shopify's deliveries.</param>
    public static async Task<FaultRig> StartAsync(string name, int seed, IReadOnlyList<TimeSpan> shopifyRetries, bool runTriggers, string? processUrl = null, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var azurite = await AzuriteServer.StartAsync(null, NullLogger.Instance, CancellationToken.None);
        var storage = FreezableStorage.Start(azurite.BlobPort, azurite.QueuePort, azurite.TablePort);
        var shopify = await ShopifySimulator.StartAsync(
            new ShopifySimulatorOptions { ThrottleMaximumAvailable = 1_000_000, ThrottleRestoreRate = 1_000_000, Seed = seed, WebhookRetryDelays = shopifyRetries },
            TimeProvider.System);
        var etsy = await EtsySimulator.StartAsync(new EtsySimulatorOptions { QueriesPerSecond = 1000, QueriesPerDay = 10_000_000, Seed = seed }, TimeProvider.System);
        var settings = SimulatedChannels.Settings(shopify, etsy);
        settings["AzureWebJobsStorage"] = storage.ConnectionString;
        settings["FuncSync:StoragePrefix"] = "fault" + name;
        settings["FuncSync:Shop"] = "faults";
        settings["Etsy:PollSchedule"] = "0 0 0 1 1 *";
        settings["Logging:LogLevel:Default"] = "Error";
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var controlSettings = new Dictionary<string, string?>(settings) { ["FuncSync:RunTriggers"] = runTriggers ? "true" : "false" };
        var (control, baseUrl) = await FuncSyncHost.StartOnLoopbackAsync(controlSettings, LogLevel.Critical);
        shopify.Options.WebhookUrl = new Uri(processUrl is null ? baseUrl : new Uri(processUrl), "api/webhooks/shopify");
        var items = await StockAsync(control, shopify, etsy);
        return new FaultRig(azurite, storage, shopify, etsy, control, items, settings, seed);
    }

    public void FreezeStorage() => _storage.Freeze();

    public void ThawStorage() => _storage.Thaw();

    /// <summary>Open-loop orders at <paramref name="perSecond"/> until <paramref name="stop"/> is cancelled; an order's
    /// webhook may fail or time out (the simulator then retries on its schedule), which is the point.</summary>
    public async Task PlaceOrdersAsync(int perSecond, CancellationToken stop)
    {
        var orders = new List<Task>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / perSecond);
            if (due > clock.Elapsed)
            {
                try
                {
                    await Task.Delay(due - clock.Elapsed, TimeProvider.System, stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            var item = _items[_random.Next(_items.Count)];
            _placed.AddOrUpdate(item.Mapping.Sku, 1, (_, n) => n + 1);
            orders.Add(Shopify.PlaceOrderAsync([(item.Mapping.Shopify!.VariantId, 1)], CancellationToken.None));
        }

        await Task.WhenAll(orders);
    }

    /// <summary>Waits until the ledger and both channels show every placed order exactly once, and says how long that
    /// took from <paramref name="since"/>; at the deadline it reports what is still off instead.</summary>
    public async Task<Convergence> ConvergeAsync(long since, TimeSpan deadline)
    {
        var waited = Stopwatch.StartNew();
        Verdict verdict;
        while (true)
        {
            verdict = await CheckAsync();
            if (verdict.Settled || waited.Elapsed > deadline)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System);
        }

        return new Convergence(verdict.Settled ? Stopwatch.GetElapsedTime(since) : null, verdict.Lost, verdict.DoubleApplied, verdict.Detail);
    }

    private async Task<Verdict> CheckAsync()
    {
        var ledger = _control.Services.GetRequiredService<LedgerStore>();
        int lost = 0, doubled = 0;
        var off = new List<string>();
        foreach (var item in _items)
        {
            var sku = item.Mapping.Sku;
            var expected = StartQuantity - _placed.GetValueOrDefault(sku);
            var available = (await ledger.GetStockAsync(sku, CancellationToken.None)).Level.Available;
            var shopify = Shopify.GetAvailable(item.Mapping.Shopify!.InventoryItemId, item.Mapping.Shopify!.LocationId);
            var etsy = Etsy.GetQuantity(item.Mapping.Etsy!.ListingId, sku);
            lost += Math.Max(0, available - expected);
            doubled += Math.Max(0, expected - available);
            if (available != expected || shopify != expected || etsy != expected)
            {
                off.Add(string.Create(CultureInfo.InvariantCulture, $"{sku}: expected {expected}, ledger {available}, Shopify {shopify}, Etsy {etsy}"));
            }
        }

        return new Verdict(off.Count == 0, lost, doubled, string.Join("; ", off));
    }

    private static async Task<List<SkuMapRow>> StockAsync(WebApplication app, ShopifySimulator shopify, EtsySimulator etsy)
    {
        var rows = new List<SkuMapRow>();
        for (var n = 0; n < Skus; n++)
        {
            var sku = string.Create(CultureInfo.InvariantCulture, $"FAULT-{n:D3}");
            var mapping = new SkuMapping(sku, sku, [new ShopifyListing(4_200_000_000 + n, 4_400_000_000 + n, 6_500_000_001, 7_100_000_000 + n), new EtsyListing(1_600_000_000 + n, sku)]);
            shopify.AddVariant(mapping.Shopify!.ProductId!.Value, mapping.Shopify!.VariantId, mapping.Shopify!.InventoryItemId, mapping.Shopify!.LocationId, sku, StartQuantity, sku);
            etsy.AddListing(mapping.Etsy!.ListingId, sku, [new EtsySimProduct(sku, StartQuantity, 20m, [])]);
            rows.Add(new SkuMapRow(mapping, StartQuantity));
        }

        await app.Services.GetRequiredService<CatalogImporter>().ImportAsync(rows, Guid.NewGuid().ToString("N"), "faults", CancellationToken.None);
        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        await _control.StopAsync();
        await _control.DisposeAsync();
        await Shopify.DisposeAsync();
        await Etsy.DisposeAsync();
        await _storage.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    private sealed record Verdict(bool Settled, int Lost, int DoubleApplied, string Detail);
}

/// <param name="After">From recovery to every order shown everywhere; null when the deadline came first.</param>
internal sealed record Convergence(TimeSpan? After, int Lost, int DoubleApplied, string Detail);

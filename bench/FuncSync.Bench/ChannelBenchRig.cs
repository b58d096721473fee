using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using FuncSync.Demo;
using FuncSync.Etsy;
using FuncSync.Hosting.Azurite;
using FuncSync.Shopify;
using FuncSync.Simulators.Etsy;
using FuncSync.Simulators.Shopify;
using Microsoft.Extensions.Logging.Abstractions;

namespace FuncSync.Bench;

/// <summary>What every channel bench stands on: Azurite, Shopify's and Etsy's simulators with their limits raised (so
/// that FuncSync is measured, not them), the settings they share, what each simulator showed last and when, and
/// SKUs stocked on both shops.</summary>
internal sealed class ChannelBenchRig : IAsyncDisposable
{
    private readonly ConcurrentDictionary<(string Channel, string Sku), int> _shown = new();
    private readonly ConcurrentDictionary<(string Channel, string Sku), int> _writes = new();
    private readonly ConcurrentDictionary<(string Channel, string Sku), long> _changed = new();
    private readonly ConcurrentDictionary<long, string> _skuOfItem = new();
    private long _next;

    private ChannelBenchRig(AzuriteServer azurite, ShopifySimulator shopify, EtsySimulator etsy)
    {
        Azurite = azurite;
        Shopify = shopify;
        Etsy = etsy;
        shopify.InventoryChanged += c => Seen("shopify", _skuOfItem.GetValueOrDefault(c.InventoryItemId, "?"), c.Available);
        etsy.InventoryChanged += c => Seen("etsy", c.Sku, c.Quantity);
    }

    public AzuriteServer Azurite { get; }

    public ShopifySimulator Shopify { get; }

    public EtsySimulator Etsy { get; }

    public static async Task<ChannelBenchRig> StartAsync()
    {
        var azurite = await AzuriteServer.StartAsync(null, NullLogger.Instance, CancellationToken.None);
        var shopify = await ShopifySimulator.StartAsync(new ShopifySimulatorOptions { ThrottleMaximumAvailable = 1_000_000, ThrottleRestoreRate = 1_000_000 }, TimeProvider.System);
        var etsy = await EtsySimulator.StartAsync(new EtsySimulatorOptions { QueriesPerSecond = 1000, QueriesPerDay = 10_000_000 }, TimeProvider.System);
        return new ChannelBenchRig(azurite, shopify, etsy);
    }

    /// <summary>The app's settings for both shops and the channel's own (<paramref name="channel"/>), on this Azurite
    /// under <paramref name="storagePrefix"/>, with Etsy's receipts poll off (the benches time other paths).</summary>
    public Dictionary<string, string?> Settings(string storagePrefix, IReadOnlyDictionary<string, string?> channel)
    {
        var settings = SimulatedChannels.Settings(Shopify, Etsy);
        foreach (var (key, value) in channel)
        {
            settings[key] = value;
        }

        settings["AzureWebJobsStorage"] = Azurite.ConnectionString;
        settings["FuncSync:StoragePrefix"] = storagePrefix;
        settings["FuncSync:Shop"] = "bench";
        settings["FuncSync:AdminKey"] = "bench-admin-key";
        settings["Etsy:PollSchedule"] = "0 0 0 1 1 *";
        settings["Etsy:QueriesPerSecond"] = "1000";
        return settings;
    }

    /// <summary>A simulator of <paramref name="channel"/> now shows <paramref name="quantity"/> of the SKU.</summary>
    public void Seen(string channel, string sku, int quantity)
    {
        _shown[(channel, sku)] = quantity;
        _writes.AddOrUpdate((channel, sku), 1, static (_, n) => n + 1);
        _changed[(channel, sku)] = Stopwatch.GetTimestamp();
    }

    public int Shown(string channel, string sku, int otherwise) => _shown.GetValueOrDefault((channel, sku), otherwise);

    /// <summary>How many times the channel's simulator was set for the SKU.</summary>
    public int Writes(string channel, string sku) => _writes.GetValueOrDefault((channel, sku));

    /// <summary>When the channel's simulator last changed for the SKU (a <see cref="Stopwatch"/> timestamp).</summary>
    public long ChangedAt(string channel, string sku) => _changed[(channel, sku)];

    /// <summary>Puts a new SKU <c>{prefix}-{n}</c> on Shopify and, unless told not to, Etsy, with
    /// <paramref name="quantity"/> each, and gives its listings there and an id the channel's own listing can use.</summary>
    public StockedSku Stock(string prefix, int n, int quantity, bool onEtsy = true)
    {
        var sku = string.Create(CultureInfo.InvariantCulture, $"{prefix}-{n:D4}");
        var id = 4_100_300_000 + Interlocked.Increment(ref _next);
        var shopify = new ShopifyListing(id, id + 200_000_000, 6_500_000_001, id + 2_900_000_000);
        _skuOfItem[shopify.InventoryItemId] = sku;
        Shopify.AddVariant(shopify.ProductId!.Value, shopify.VariantId, shopify.InventoryItemId, shopify.LocationId, sku, quantity, sku);
        EtsyListing? etsy = null;
        if (onEtsy)
        {
            etsy = new EtsyListing(id - 2_600_000_000, sku);
            Etsy.AddListing(etsy.ListingId, sku, [new EtsySimProduct(sku, quantity, 20m, [])]);
        }

        return new StockedSku(sku, id, shopify, etsy);
    }

    public static Task<bool> WaitAsync(Func<bool> condition, TimeSpan timeout) => WaitAsync(() => Task.FromResult(condition()), timeout);

    public static async Task<bool> WaitAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System);
        }

        return true;
    }

    /// <summary>The latency table's nearest-rank percentile of a sorted list; 0 for none (a table cell, not NaN).</summary>
    public static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : BenchReport.Percentile([.. sorted], p);

    public async ValueTask DisposeAsync()
    {
        await Shopify.DisposeAsync();
        await Etsy.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}

/// <summary>A SKU stocked on the shops: its listings there, and an id for the channel's own listing.</summary>
internal sealed record StockedSku(string Sku, long Id, ShopifyListing Shopify, EtsyListing? Etsy);

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using FuncSync.Catalog;
using FuncSync.Demo;
using FuncSync.Etsy;
using FuncSync.Hosting.Azurite;
using FuncSync.Domain.Ledger;
using FuncSync.Ledger;
using FuncSync.Shopify;
using FuncSync.Storage;
using FuncSync.Hosting.Queues;
using FuncSync.Hosting.Storage;
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
/// the rig knows every order placed and which of them Shopify managed to deliver (a 2xx to one of its attempts), so it
/// can tell, per SKU, whether the ledger holds exactly what the delivered orders leave: more is an acknowledged order
/// lost, less a double-applied one. An order whose every attempt failed is one Shopify gave up on: only a poll of
/// Shopify's orders could bring it in, and the rig counts it apart.</summary>
internal sealed class FaultRig : IAsyncDisposable
{
    public const int StartQuantity = 900;
    private const int Skus = 12;

    private readonly AzuriteServer _azurite;
    private readonly FreezableStorage _storage;
    private readonly WebApplication _control;
    private readonly Random _random;
    private readonly ConcurrentDictionary<string, int> _placed = new();
    private readonly ConcurrentDictionary<string, (string Sku, long OrderId)> _orderEvents = new();
    private List<SkuMapRow> _items = [];
    private long _lastOrderPlaced;

    private FaultRig(AzuriteServer azurite, FreezableStorage storage, ShopifySimulator shopify, EtsySimulator etsy, WebApplication control, Dictionary<string, string?> settings, int seed)
    {
        _azurite = azurite;
        _storage = storage;
        Shopify = shopify;
        Etsy = etsy;
        _control = control;
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
        return new FaultRig(azurite, storage, shopify, etsy, control, settings, seed);
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

            Volatile.Write(ref _lastOrderPlaced, Stopwatch.GetTimestamp());
            var item = _items[_random.Next(_items.Count)];
            _placed.AddOrUpdate(item.Mapping.Sku, 1, (_, n) => n + 1);
            orders.Add(PlaceAsync(item.Mapping));
        }

        await Task.WhenAll(orders);
    }

    private async Task PlaceAsync(SkuMapping mapping)
    {
        var order = await Shopify.PlaceOrderAsync([(mapping.Shopify!.VariantId, 1)], CancellationToken.None);
        _orderEvents[order!.EventId] = (mapping.Sku, order.OrderId);
    }

    /// <summary>Orders whose webhook Shopify never got a 2xx for, after all its retries.</summary>
    public int GivenUp => _orderEvents.Count - Delivered().Count;

    private HashSet<string> Delivered() =>
        [.. Shopify.Deliveries.Where(d => d.Status == HttpStatusCode.OK && _orderEvents.ContainsKey(d.EventId)).Select(d => d.EventId)];

    /// <summary>Waits until the ledger and both channels show every delivered order exactly once, and says how long that
    /// took from <paramref name="since"/>; at the deadline it reports what is still off instead.</summary>
    public async Task<Convergence> ConvergeAsync(long since, TimeSpan deadline)
    {
        var waited = Stopwatch.StartNew();
        Verdict verdict;

        // When each part got there, from since: the sender's last retry, the ledger, the channels.
        TimeSpan? senderDoneAt = null, ledgerRightAt = null;
        while (true)
        {
            // Not before Shopify has finished with every delivery: a retry still to come is an order still to apply.
            var senderDone = Shopify.WhenDeliveriesSettledAsync().IsCompleted;
            verdict = await CheckAsync();
            senderDoneAt = senderDone ? senderDoneAt ?? Stopwatch.GetElapsedTime(since) : null;
            ledgerRightAt = verdict.LedgerRight ? ledgerRightAt ?? Stopwatch.GetElapsedTime(since) : null;
            if ((senderDone && verdict.Settled) || waited.Elapsed > deadline)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System);
        }

        var converged = verdict.Settled && waited.Elapsed <= deadline;
        var now = Stopwatch.GetTimestamp();
        var stages = string.Create(
            CultureInfo.InvariantCulture,
            $"Shopify's last delivery settled at {Seconds(senderDoneAt)}, the ledger right at {Seconds(ledgerRightAt)}, both channels at {Seconds(converged ? Stopwatch.GetElapsedTime(since, now) : null)} after recovery");
        return new Convergence(
            converged ? Stopwatch.GetElapsedTime(since, now) : null,
            converged ? Stopwatch.GetElapsedTime(Volatile.Read(ref _lastOrderPlaced), now) : null,
            verdict.Detail,
            stages);
    }

    private static string Seconds(TimeSpan? at) => at is { } t ? string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:F1} s") : "never";

    private async Task<Verdict> CheckAsync()
    {
        var ledger = _control.Services.GetRequiredService<LedgerStore>();
        var delivered = Delivered().GroupBy(e => _orderEvents[e].Sku).ToDictionary(g => g.Key, g => g.Count());
        var settled = true;
        var ledgersRight = true;
        var off = new List<string>();
        foreach (var item in _items)
        {
            var sku = item.Mapping.Sku;
            // An order Shopify gave up on may still have been stored before the process died (the 200 was lost, not
            // the order): the ledger lies between every delivered order and every order placed. The channels must show
            // the ledger's number, or, where Shopify took an order FuncSync never heard of, at least agree.
            var delivering = StartQuantity - delivered.GetValueOrDefault(sku);
            var placed = StartQuantity - _placed.GetValueOrDefault(sku);
            var available = (await ledger.GetStockAsync(sku, CancellationToken.None)).Level.Available;
            var shopify = Shopify.GetAvailable(item.Mapping.Shopify!.InventoryItemId, item.Mapping.Shopify!.LocationId);
            var etsy = Etsy.GetQuantity(item.Mapping.Etsy!.ListingId, sku);
            var channelsRight = available == placed ? shopify == available && etsy == available : shopify == etsy;
            var ledgerRight = available <= delivering && available >= placed;
            ledgersRight &= ledgerRight;
            if (!ledgerRight || !channelsRight)
            {
                settled = false;
                off.Add(string.Create(CultureInfo.InvariantCulture, $"{sku}: ledger {available} (delivered orders leave {delivering}, every order placed {placed}), Shopify {shopify}, Etsy {etsy}"));
            }
        }

        return new Verdict(settled, ledgersRight, string.Join("; ", off));
    }

    /// <summary>Order by order, from the SKUs' histories: delivered orders the ledger has no sale for (lost), sales
    /// applied more than once or counted twice in the stock figure (double-applied), and orders Shopify gave up on
    /// that were applied anyway.</summary>
    public async Task<OrderCount> CountOrdersAsync()
    {
        var ledger = _control.Services.GetRequiredService<LedgerStore>();
        var applied = new Dictionary<long, int>();
        var doubled = 0;
        foreach (var item in _items)
        {
            var sales = 0;
            string? continuation = null;
            do
            {
                var page = await ledger.GetHistoryAsync(item.Mapping.Sku, 1000, continuation, CancellationToken.None);
                foreach (var entry in page.Entries.Where(e => e.Kind == InventoryEventKind.Sale && e.EventId.StartsWith("shopify:sale:", StringComparison.Ordinal)))
                {
                    var orderId = long.Parse(entry.EventId.Split(':')[2], CultureInfo.InvariantCulture);
                    applied[orderId] = applied.GetValueOrDefault(orderId) + 1;
                    sales++;
                }

                continuation = page.Continuation;
            }
            while (continuation is not null);

            var available = (await ledger.GetStockAsync(item.Mapping.Sku, CancellationToken.None)).Level.Available;
            doubled += Math.Max(0, StartQuantity - available - sales);
        }

        doubled += applied.Values.Sum(n => n - 1);
        var delivered = Delivered();
        var lost = delivered.Count(e => !applied.ContainsKey(_orderEvents[e].OrderId));
        var appliedGivenUp = _orderEvents.Count(o => !delivered.Contains(o.Key) && applied.ContainsKey(o.Value.OrderId));
        return new OrderCount(lost, doubled, appliedGivenUp);
    }

    /// <summary>Lists the SKUs on both simulators, imports them and waits until the ledger has counted each one (which
    /// takes whichever instance runs the triggers: start a separate process first).</summary>
    public async Task StockAsync()
    {
        var rows = new List<SkuMapRow>();
        for (var n = 0; n < Skus; n++)
        {
            var sku = string.Create(CultureInfo.InvariantCulture, $"FAULT-{n:D3}");
            var mapping = new SkuMapping(sku, sku, [new ShopifyListing(4_200_000_000 + n, 4_400_000_000 + n, 6_500_000_001, 7_100_000_000 + n), new EtsyListing(1_600_000_000 + n, sku)]);
            Shopify.AddVariant(mapping.Shopify!.ProductId!.Value, mapping.Shopify!.VariantId, mapping.Shopify!.InventoryItemId, mapping.Shopify!.LocationId, sku, StartQuantity, sku);
            Etsy.AddListing(mapping.Etsy!.ListingId, sku, [new EtsySimProduct(sku, StartQuantity, 20m, [])]);
            rows.Add(new SkuMapRow(mapping, StartQuantity));
        }

        await _control.Services.GetRequiredService<CatalogImporter>().ImportAsync(rows, Guid.NewGuid().ToString("N"), "faults", CancellationToken.None);
        var ledger = _control.Services.GetRequiredService<LedgerStore>();
        foreach (var row in rows)
        {
            while ((await ledger.GetStockAsync(row.Mapping.Sku, CancellationToken.None)).Version == 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System);
            }
        }

        _items = rows;
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

    /// <summary>What each queue and poison queue holds at the end of a run, one line per queue that holds anything, each
    /// poison message shortened: a message poisoned although it never failed is how an acknowledged order goes missing.</summary>
    public async Task<QueueReport> QueueReportAsync()
    {
        var names = _control.Services.GetRequiredService<StorageNames>();
        var storage = _control.Services.GetRequiredService<StorageClients>();
        var lines = new List<string>();
        var poisoned = 0;
        foreach (var queue in names.Queues)
        {
            // What is still on the queue itself, invisible messages included: a message a lost receive took is
            // invisible there for the receive visibility (a minute unless the run shortens it).
            var waiting = storage.Queue(queue);
            if (await waiting.ExistsAsync() && (await waiting.GetPropertiesAsync()).Value.ApproximateMessagesCount is > 0 and var left)
            {
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"{queue}: {left} message(s) still on it, visible or not"));
            }

            var poison = storage.Queue(PoisonQueues.NameFor(queue));
            if (!await poison.ExistsAsync())
            {
                continue;
            }

            // Peeking leaves the messages where they are (and their dequeue counts alone), at most 32 of them.
            var messages = (await poison.PeekMessagesAsync(32)).Value;
            var depth = (await poison.GetPropertiesAsync()).Value.ApproximateMessagesCount;
            if (depth == 0)
            {
                continue;
            }

            poisoned += depth;
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{poison.Name}: {depth} message(s)"));
            lines.AddRange(messages.Select(m => "  " + Shorten(m.Body.ToString())));
        }

        return new QueueReport(lines, poisoned);
    }

    private static string Shorten(string body) => body.Length <= 240 ? body : string.Concat(body.AsSpan(0, 240), "...");

    private sealed record Verdict(bool Settled, bool LedgerRight, string Detail);
}

/// <param name="After">From recovery to every order shown everywhere; null when the deadline came first.</param>
/// <param name="AfterLastOrder">From the last order placed (orders go on after recovery) to the same moment.</param>
internal sealed record Convergence(TimeSpan? After, TimeSpan? AfterLastOrder, string Detail, string Stages);

/// <param name="AppliedGivenUp">Orders Shopify gave up on that FuncSync had stored before it could answer.</param>
internal sealed record OrderCount(int Lost, int DoubleApplied, int AppliedGivenUp);

/// <param name="Lines">One line per queue holding anything, each poison message under its queue.</param>
internal sealed record QueueReport(IReadOnlyList<string> Lines, int Poisoned);

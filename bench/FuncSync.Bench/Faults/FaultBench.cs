using System.Diagnostics;
using System.Globalization;
using FuncSync.Testing;

namespace FuncSync.Bench.Faults;

/// <summary>The fault suite: FuncSync under a steady stream of Shopify orders (5 a second over 12 SKUs, from 5 s before
/// the fault to 5 s after it) while storage freezes, Etsy refuses writes, deliveries come twice and out of order, or the
/// process is killed. Each run ends when the ledger and both channels show every order placed exactly once, and reports
/// how long after the fault ended that took. Everything is on loopback.</summary>
internal static class FaultBench
{
    private const int OrdersPerSecond = 5;
    private static readonly TimeSpan Before = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan After = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(5);

    // Shopify retries a failed delivery 8 times over 4 hours; compressed here so that a delivery refused during the
    // fault comes back soon after it, and what is measured is FuncSync's recovery, not the sender's patience.
    private static readonly TimeSpan[] QuickRetries = [.. Enumerable.Repeat(TimeSpan.FromSeconds(1), 8)];

    // While the process is down a delivery is refused at once; doubling waits outlast any restart.
    private static readonly TimeSpan[] DoublingRetries = [.. Enumerable.Range(0, 8).Select(i => TimeSpan.FromSeconds(1 << i))];

    public const string Header =
        "| fault | orders | webhook attempts refused or timed out | orders Shopify gave up on | acknowledged, not applied | applied twice | converged after the fault ended |\n|---|---:|---:|---:|---:|---:|---|";

    /// <summary>The runs by name, in the order the suite runs them; a name on the command line runs only those.</summary>
    public static readonly IReadOnlyList<string> Names = ["freeze20", "freeze120", "etsy429", "etsy503", "dup", "kill"];

    /// <param name="only">Names of the runs to do (<see cref="Names"/>); empty for all.</param>
    /// <returns>False when any run lost an order, applied one twice or did not converge.</returns>
    public static async Task<bool> RunAsync(int seed, int kills, IReadOnlyCollection<string> only)
    {
        var unknown = only.Except(Names, StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"No fault run named {string.Join(", ", unknown)}; the runs are {string.Join(", ", Names)}.", nameof(only));
        }

        Console.WriteLine(Header);
        var rows = new List<FaultRow>();
        foreach (var name in Names.Where(n => only.Count == 0 || only.Contains(n)))
        {
            rows.Add(name switch
            {
                "freeze20" => await StorageFrozenAsync(TimeSpan.FromSeconds(20), seed),
                "freeze120" => await StorageFrozenAsync(TimeSpan.FromMinutes(2), seed),
                "etsy429" => await EtsyRefusesAsync(429, seed),
                "etsy503" => await EtsyRefusesAsync(503, seed),
                "dup" => await DuplicatedAndReorderedAsync(seed),
                _ => await KilledAsync(kills, seed),
            });
        }

        Console.WriteLine();
        foreach (var row in rows)
        {
            Console.WriteLine($"{row.Fault}: {row.Stages}");
            Console.WriteLine(row.Queues.Count == 0 ? "  every queue and poison queue empty" : "  queues:");
            foreach (var line in row.Queues)
            {
                Console.WriteLine("  " + line);
            }
        }

        return rows.All(r => r.Passed);
    }

    private static async Task<FaultRow> StorageFrozenAsync(TimeSpan frozen, int seed)
    {
        // A delivery attempt hangs for the sender's 5 s while storage is frozen; the retries must outlast the freeze.
        var retries = Enumerable.Repeat(TimeSpan.FromSeconds(Math.Max(1, frozen.TotalSeconds / 8)), 8).ToArray();
        await using var rig = await FaultRig.StartAsync(string.Create(CultureInfo.InvariantCulture, $"freeze{(int)frozen.TotalSeconds}"), seed, retries, runTriggers: true);
        await rig.StockAsync();
        var recovered = await UnderLoadAsync(rig, frozen, rig.FreezeStorage, rig.ThawStorage);
        return await RowAsync(rig, string.Create(CultureInfo.InvariantCulture, $"storage frozen {Describe(frozen)}"), recovered);
    }

    /// <summary>Etsy answers every request with <paramref name="status"/> for a window standing in for half an hour.</summary>
    private static async Task<FaultRow> EtsyRefusesAsync(int status, int seed)
    {
        await using var rig = await FaultRig.StartAsync(string.Create(CultureInfo.InvariantCulture, $"etsy{status}"), seed, QuickRetries, runTriggers: true);
        await rig.StockAsync();
        var refusing = false;
        rig.Etsy.InjectFaults(_ => Volatile.Read(ref refusing), int.MaxValue, status);
        var window = TimeSpan.FromSeconds(30);
        var recovered = await UnderLoadAsync(rig, window, () => Volatile.Write(ref refusing, true), () => Volatile.Write(ref refusing, false));
        return await RowAsync(rig, string.Create(CultureInfo.InvariantCulture, $"Etsy answers {status} for 30 s (30 min compressed)"), recovered);
    }

    private static async Task<FaultRow> DuplicatedAndReorderedAsync(int seed)
    {
        await using var rig = await FaultRig.StartAsync("dup", seed, QuickRetries, runTriggers: true);
        await rig.StockAsync();
        rig.Shopify.Options.WebhookDuplicateRate = 0.1;
        rig.Shopify.Options.WebhookReorderRate = 0.1;
        // The fault lasts as long as the orders do: convergence counts from the last order.
        var recovered = await UnderLoadAsync(rig, TimeSpan.FromSeconds(20), () => { }, () => { }, after: TimeSpan.Zero);
        return await RowAsync(rig, "10 % of deliveries duplicated, 10 % held back up to 2 s (20 s of orders)", recovered);
    }

    /// <summary>FuncSync runs as its own process and is killed (SIGKILL) at <paramref name="kills"/> seeded random
    /// moments while orders flow; each time it is started again at once, as a host would.</summary>
    private static async Task<FaultRow> KilledAsync(int kills, int seed)
    {
        var url = AppProcess.FreeLoopbackUrl();

        // A killed instance's messages, outbox rows and timer leases come back within seconds, not the production
        // minute (1-min receive visibility, 60-s leases): the run measures that nothing is lost, at test speed.
        var quick = new Dictionary<string, string?>
        {
            ["FuncSync:Queues:receiveVisibilityTimeout"] = "00:00:03",
            ["FuncSync:Timers:LeasePeriod"] = "00:00:15",
            ["FuncSync:Timers:LeaseRecoveryInterval"] = "00:00:02",
            ["FuncSync:OutboxSweepSchedule"] = "*/2 * * * * *",
            ["FuncSync:OutboxMinimumAge"] = "00:00:02",
        };
        await using var rig = await FaultRig.StartAsync("kill", seed, DoublingRetries, runTriggers: false, url, quick);
        var settings = new Dictionary<string, string?>(rig.Settings) { ["FuncSync:RunTriggers"] = "true" };
        var workingDirectory = Directory.CreateTempSubdirectory("funcsync-faults-").FullName;
        var random = new Random(seed);
        var process = AppProcess.Start(settings, workingDirectory, url);
        try
        {
            await rig.StockAsync();
            using var stop = new CancellationTokenSource();
            var ordering = rig.PlaceOrdersAsync(OrdersPerSecond, stop.Token);
            for (var kill = 0; kill < kills; kill++)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(random.Next(300, 4000)), TimeProvider.System);
                process.Kill();
                process.Dispose();
                process = AppProcess.Start(settings, workingDirectory, url);
            }

            var restarted = Stopwatch.GetTimestamp();
            await Task.Delay(After, TimeProvider.System);
            await stop.CancelAsync();
            await ordering;
            return await RowAsync(rig, string.Create(CultureInfo.InvariantCulture, $"process killed (SIGKILL) {kills} times"), restarted);
        }
        finally
        {
            process.Dispose();
            Directory.Delete(workingDirectory, recursive: true);
        }
    }

    /// <summary>Orders flow before, during and after the fault; returns when the fault ended.</summary>
    private static async Task<long> UnderLoadAsync(FaultRig rig, TimeSpan fault, Action begin, Action end, TimeSpan? after = null)
    {
        using var stop = new CancellationTokenSource();
        var ordering = rig.PlaceOrdersAsync(OrdersPerSecond, stop.Token);
        await Task.Delay(Before, TimeProvider.System);
        begin();
        await Task.Delay(fault, TimeProvider.System);
        end();
        var recovered = Stopwatch.GetTimestamp();
        await Task.Delay(after ?? After, TimeProvider.System);
        await stop.CancelAsync();
        await ordering;
        return recovered;
    }

    private static async Task<FaultRow> RowAsync(FaultRig rig, string fault, long recovered)
    {
        var converged = await rig.ConvergeAsync(recovered, Deadline);
        await rig.Shopify.WhenDeliveriesSettledAsync();
        var refused = rig.Shopify.Deliveries.Count(d => d.Status != System.Net.HttpStatusCode.OK);
        var after = converged.After is { } t
            ? string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:F1} s ({converged.AfterLastOrder!.Value.TotalSeconds:F1} s after the last order)")
            : $"not within {Describe(Deadline)}: {converged.Detail}";
        var queues = await rig.QueueReportAsync();
        var orders = await rig.CountOrdersAsync();
        var givenUp = orders.AppliedGivenUp == 0
            ? rig.GivenUp.ToString(CultureInfo.InvariantCulture)
            : string.Create(CultureInfo.InvariantCulture, $"{rig.GivenUp} ({orders.AppliedGivenUp} stored before the 200 was lost, applied)");
        var row = new FaultRow(
            fault,
            string.Create(CultureInfo.InvariantCulture, $"| {fault} | {rig.Placed} | {refused} | {givenUp} | {orders.Lost} | {orders.DoubleApplied} | {after} |"),
            converged.After is not null && orders.Lost == 0 && orders.DoubleApplied == 0 && queues.Poisoned == 0,
            queues.Lines,
            converged.Stages);
        Console.WriteLine(row.Line);
        return row;
    }

    private sealed record FaultRow(string Fault, string Line, bool Passed, IReadOnlyList<string> Queues, string Stages);

    private static string Describe(TimeSpan span) =>
        span.TotalMinutes >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0.#} min") : string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0} s");
}

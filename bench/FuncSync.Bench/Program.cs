using FuncSync.Bench;

// Drives orders through the running app (Azurite, simulators and FuncSync on loopback) and reports
// the time from Shopify's webhook being accepted to Etsy's simulator receiving the new quantity.
// Usage: dotnet run -c Release --project bench/FuncSync.Bench -- [--rates 10,50] [--seconds 20] [--etsy-qps 1000] [--count-storage yes]
//        dotnet run -c Release --project bench/FuncSync.Bench -- --ledger [events]   (ledger throughput vs raw transactions)
//        dotnet run -c Release --project bench/FuncSync.Bench -- --shopify-throughput [skus] [plan points/s]
//        dotnet run -c Release --project bench/FuncSync.Bench -- --fuzz [deliveries per endpoint] [seed]   (webhook fuzz)
//        dotnet run -c Release --project bench/FuncSync.Bench -- --faults [kills] [seed] [runs]   (fault suite; runs: freeze20,kill,...)
//        dotnet run -c Release --project bench/FuncSync.Bench -- --import [SKUs] [seconds to wait for every channel in sync]
//        dotnet run -c Release --project bench/FuncSync.Bench -- --ebay [sales per path] [flash-sale eBay orders] [Shopify orders among them]
//        dotnet run -c Release --project bench/FuncSync.Bench -- --square [sales] [level check delay s] [SKUs under 429s] [429 share]
//        dotnet run -c Release --project bench/FuncSync.Bench -- --amazon [sales] [patch delay s] [SKUs to fix]
//        dotnet run -c Release --project bench/FuncSync.Bench -- --storage-ops [orders]   (storage requests per one-line order, by kind)
//        dotnet run -c Release --project bench/FuncSync.Bench -- --idle [minutes] [Setting=value ...]   (storage requests and timer runs of an idle app)
//        dotnet run -c Release --project bench/FuncSync.Bench -- --woocommerce [sales] [poll every s] [orders with the webhook disabled] [batch writes]
//        dotnet run -c Release --project bench/FuncSync.Bench -- --grid [SKUs]   (the stock grid's page and polls: bytes, storage requests, time)
if (args is ["--ledger", ..])
{
    await LedgerBench.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2000);
    return;
}

if (args is ["--shopify-throughput", ..])
{
    // Usage: -- --shopify-throughput [skus] [plan points per second]
    var values = args.Skip(1).Select(a => int.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    await ShopifyThroughputBench.RunAsync(values.Length > 0 ? values[0] : 500, values.Length > 1 ? values[1] : 100);
    return;
}

if (args is ["--etsy-detection", ..])
{
    // Usage: -- --etsy-detection [webhook sales] [poll sales]
    var counts = args.Skip(1).Select(a => int.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    await EtsyDetectionBench.RunAsync(counts.Length > 0 ? counts[0] : 40, counts.Length > 1 ? counts[1] : 15);
    return;
}

if (args is ["--fuzz", ..])
{
    // Usage: -- --fuzz [deliveries per endpoint] [seed]
    var values = args.Skip(1).Select(a => int.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    await FuzzBench.RunAsync(values.Length > 0 ? values[0] : 10_000, values.Length > 1 ? values[1] : 22);
    return;
}

if (args is ["--faults", ..])
{
    // Usage: -- --faults [kills] [seed] [run,run...]   (runs: freeze20, freeze120, etsy429, etsy503, dup, kill)
    var values = args.Skip(1).Take(2).Select(a => int.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    var only = args.Length > 3 ? args[3].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
    var passed = await FuncSync.Bench.Faults.FaultBench.RunAsync(values.Length > 1 ? values[1] : 22, values.Length > 0 ? values[0] : 50, only);
    Environment.ExitCode = passed ? 0 : 1;
    return;
}

if (args is ["--square", ..])
{
    // Usage: -- --square [register sales] [level check delay, seconds] [SKUs under 429s] [429 share]
    var values = args.Skip(1).Select(a => double.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    await SquareBench.RunAsync(
        values.Length > 0 ? (int)values[0] : 30,
        TimeSpan.FromSeconds(values.Length > 1 ? values[1] : 20),
        values.Length > 2 ? (int)values[2] : 200,
        values.Length > 3 ? values[3] : 0.3);
    return;
}

if (args is ["--amazon", ..])
{
    // Usage: -- --amazon [sales per path] [patch delay, seconds] [SKUs drifted for the reconciliation fix]
    var values = args.Skip(1).Select(a => int.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    await AmazonBench.RunAsync(values.Length > 0 ? values[0] : 20, TimeSpan.FromSeconds(values.Length > 1 ? values[1] : 5), values.Length > 2 ? values[2] : 1000);
    return;
}

if (args is ["--woocommerce", ..])
{
    // Usage: -- --woocommerce [sales per path] [poll every, seconds] [orders with the webhook disabled] [batch writes]
    var values = args.Skip(1).Select(a => int.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    await WooCommerceBench.RunAsync(
        values.Length > 0 ? values[0] : 20,
        TimeSpan.FromSeconds(values.Length > 1 ? values[1] : 10),
        values.Length > 2 ? values[2] : 30,
        values.Length > 3 ? values[3] : 1000);
    return;
}

if (args is ["--ebay", ..])
{
    // Usage: -- --ebay [sales per path] [flash-sale eBay orders] [Shopify orders among them]
    var values = args.Skip(1).Select(a => int.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    await EbayBench.RunAsync(values.Length > 0 ? values[0] : 20, values.Length > 1 ? values[1] : 300, values.Length > 2 ? values[2] : 60);
    return;
}

if (args is ["--storage-ops", ..])
{
    // Usage: -- --storage-ops [orders]
    var orders = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 40;
    await using var counting = await BenchHarness.StartAsync(BenchOptions.Parse([]));
    Console.WriteLine((await counting.CountStorageOperationsAsync(orders, TimeSpan.FromSeconds(30))).Report());
    return;
}

if (args is ["--idle", ..])
{
    // Usage: -- --idle [minutes] [Setting=value ...], e.g. Etsy:PollSchedule="0 */5 * * * *"
    var minutes = args.Length > 1 && double.TryParse(args[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var m) ? m : 5;
    var overrides = args.Skip(1).Where(a => a.Contains('=', StringComparison.Ordinal)).Select(a => a.Split('=', 2)).ToDictionary(p => p[0], p => (string?)p[1], StringComparer.OrdinalIgnoreCase);
    await IdleBench.RunAsync(TimeSpan.FromMinutes(minutes), TimeSpan.FromSeconds(75), overrides);
    return;
}

if (args is ["--import", ..])
{
    // Usage: -- --import [SKUs] [seconds to wait for every channel in sync after the import]
    var values = args.Skip(1).Select(a => int.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    await ImportBench.RunAsync(values.Length > 0 ? values[0] : 10_000, TimeSpan.FromSeconds(values.Length > 1 ? values[1] : 600));
    return;
}

if (args is ["--grid", ..])
{
    // Usage: -- --grid [SKUs]
    await GridBench.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10_000);
    return;
}

if (args is ["--reconcile", ..])
{
    // Usage: -- --reconcile [listings]
    await ReconciliationBench.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1000);
    return;
}

var options = BenchOptions.Parse(args);
await using var harness = await BenchHarness.StartAsync(options);
Console.WriteLine(BenchReport.Header);
foreach (var rate in options.Rates)
{
    var result = await harness.RunAsync(rate);
    Console.WriteLine(BenchReport.Row(result));
    Console.Error.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"  by 10 s of the run at {rate}/s: orders' p99 ms {string.Join(", ", result.P99By10s.Select(p => p.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))}; Azurite's slowest table point read ms {string.Join(", ", result.StorageMaxBy10s.Select(p => p.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))}; slowest queue peek ms {string.Join(", ", result.QueueMaxBy10s.Select(p => p.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))}"));
    foreach (var line in result.StorageByKind)
    {
        Console.Error.WriteLine("  " + line);
    }
}

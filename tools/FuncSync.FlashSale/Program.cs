using System.Globalization;
using FuncSync.Domain.Simulation;
using FuncSync.FlashSale;

// dotnet run --project tools/FuncSync.FlashSale -- [--seed 42] [--items 200] [--units 1] [--buyers 1000]
//   [--minutes 30] [--threshold 2] [--buffer 20] [--lag 1] [--refund-fees 2] [--materials 4]
//   [--support-minutes 15] [--support-rate 30] [--reputation 15] [--chart flash-sale.svg]
// The drop (shaped by the options) and the ordinary month (same seed, lag and costs) run with every policy.
var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
for (var i = 0; i < args.Length; i += 2)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
    {
        Console.Error.WriteLine($"Expected --name value, got '{args[i]}'.");
        return 2;
    }

    options[args[i][2..]] = args[i + 1];
}

int Int(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
decimal Money(string name, decimal fallback) => options.TryGetValue(name, out var v) ? decimal.Parse(v, CultureInfo.InvariantCulture) : fallback;

var defaults = new FlashSaleScenario();
var lag = Int("lag", 1);
var scenario = defaults with
{
    Seed = Int("seed", defaults.Seed),
    Items = Int("items", defaults.Items),
    UnitsPerItem = Int("units", defaults.UnitsPerItem),
    ExpectedBuyers = Int("buyers", defaults.ExpectedBuyers),
    Duration = TimeSpan.FromMinutes(Int("minutes", (int)defaults.Duration.TotalMinutes)),
    Channels = defaults.Channels.Select(c => c.Slower(lag)).ToList(),
    Cost = new OversellCost(
        Money("refund-fees", defaults.Cost.RefundFees),
        Money("materials", defaults.Cost.Materials),
        Money("support-minutes", defaults.Cost.SupportMinutes),
        Money("support-rate", defaults.Cost.SupportHourlyRate),
        Money("reputation", defaults.Cost.Reputation)),
};

var month = FlashSaleScenario.OrdinaryMonth with { Seed = scenario.Seed, Channels = scenario.Channels, Cost = scenario.Cost };
IReadOnlyList<FlashSaleResult> results;
IReadOnlyList<FlashSaleResult> monthResults;
try
{
    results = FlashSaleSimulator.Run(scenario, FlashSalePolicies.Standard(scenario.Channels, Int("threshold", 2), Int("buffer", 20)));
    monthResults = FlashSaleSimulator.Run(month, FlashSalePolicies.Standard(month.Channels, Int("threshold", 2), Int("buffer", 20)));
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

Console.Write(Report.Table(scenario, results));
Console.WriteLine();
Console.Write(Report.Table(month, monthResults));
var chart = options.TryGetValue("chart", out var path) ? path : "flash-sale.svg";
await File.WriteAllTextAsync(chart, Report.Svg(scenario, results));
Console.WriteLine();
Console.WriteLine($"Chart: {Path.GetFullPath(chart)}");
return 0;

using System.Globalization;
using FuncSync.FlashSale;

// dotnet run --project tools/FuncSync.FlashSale -- [--seed 42] [--items 200] [--units 1] [--buyers 1000]
//   [--minutes 30] [--threshold 2] [--buffer 20] [--refund-fees 2] [--materials 4] [--support-minutes 15]
//   [--support-rate 30] [--reputation 15] [--chart flash-sale.svg]
var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
for (var i = 0; i + 1 < args.Length; i += 2)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal))
    {
        Console.Error.WriteLine($"Expected --name value, got '{args[i]}'.");
        return 2;
    }

    options[args[i][2..]] = args[i + 1];
}

int Int(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
decimal Money(string name, decimal fallback) => options.TryGetValue(name, out var v) ? decimal.Parse(v, CultureInfo.InvariantCulture) : fallback;

var scenario = Scenario.Default(Int("seed", 42), Int("items", 200), Int("units", 1), Int("buyers", 1000), Int("minutes", 30), Int("threshold", 2), Int("buffer", 20));
var defaults = new OversellCost();
scenario = scenario with
{
    Cost = new OversellCost(
        Money("refund-fees", defaults.RefundFees),
        Money("materials", defaults.Materials),
        Money("support-minutes", defaults.SupportMinutes),
        Money("support-rate", defaults.SupportHourlyRate),
        Money("reputation", defaults.Reputation)),
};

var results = FlashSaleSimulator.Run(scenario);
Console.Write(Report.Table(scenario, results));
var chart = options.TryGetValue("chart", out var path) ? path : "flash-sale.svg";
await File.WriteAllTextAsync(chart, Report.Svg(scenario, results));
Console.WriteLine();
Console.WriteLine($"Chart: {Path.GetFullPath(chart)}");
return 0;

using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using FuncSync.Domain.Simulation;

namespace FuncSync.Cli;

/// <summary><c>funcsync simulate SCENARIO</c>: the flash-sale engine, run locally on a named scenario or a JSON
/// file of overrides, comparing the standard sync policies on the same seeded buyers.</summary>
internal sealed class SimulateCommand(Option<bool> json, TextWriter output, TextWriter error)
{
    /// <summary>Named scenarios: the README's flash sale, the same with every channel ten times slower, a
    /// restock drop of five units per item, and an ordinary month of one-off and few-unit items.</summary>
    public static readonly IReadOnlyDictionary<string, FlashSaleScenario> Named = new Dictionary<string, FlashSaleScenario>(StringComparer.OrdinalIgnoreCase)
    {
        ["flash-sale"] = new(),
        ["slow-channels"] = new() { Channels = SimChannel.Defaults.Select(c => c.Slower(10)).ToList() },
        ["restock"] = new() { UnitsPerItem = 5, Items = 40 },
        ["ordinary-month"] = FlashSaleScenario.OrdinaryMonth,
    };

    public Command Build()
    {
        var scenario = new Argument<string>("SCENARIO")
        {
            Description = $"{string.Join(", ", Named.Keys)}, or a JSON file with any of seed, items, unitsPerItem, buyers, minutes, lag, threshold, bufferPercent.",
        };
        var command = new Command("simulate", "Run the flash-sale simulator locally and compare sync policies.") { scenario };
        command.SetAction(async (parse, ct) =>
        {
            var name = parse.GetValue(scenario)!;
            FlashSaleScenario chosen;
            int threshold = 2, buffer = 20;
            try
            {
                (chosen, threshold, buffer) = Named.TryGetValue(name, out var named) ? (named, threshold, buffer) : await FromFileAsync(name, ct);
            }
            catch (Exception ex) when (ex is IOException or JsonException or FormatException or InvalidOperationException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"Scenario '{name}': {ex.Message}");
                return ExitCodes.Usage;
            }

            IReadOnlyList<FlashSaleResult> results;
            try
            {
                results = FlashSaleSimulator.Run(chosen, FlashSalePolicies.Standard(chosen.Channels, threshold, buffer));
            }
            catch (ArgumentException ex)
            {
                await error.WriteLineAsync(ex.Message);
                return ExitCodes.Usage;
            }

            await output.WriteLineAsync(parse.GetValue(json)
                ? JsonSerializer.Serialize(new SimulationReport(name, chosen.Items, chosen.UnitsPerItem, (results.Count > 0 ? results[0].Buyers : 0), chosen.Cost.PerUnit, results), CliJson.Default.SimulationReport)
                : Table(name, chosen, results));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<(FlashSaleScenario Scenario, int Threshold, int Buffer)> FromFileAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"not a named scenario ({string.Join(", ", Named.Keys)}) and no such file.");
        }

        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(path, cancellationToken));
        var root = document.RootElement;
        int Int(string property, int fallback) => root.TryGetProperty(property, out var value) ? value.GetInt32() : fallback;
        var defaults = new FlashSaleScenario();
        var lag = Int("lag", 1);
        var scenario = defaults with
        {
            Seed = Int("seed", defaults.Seed),
            Items = Int("items", defaults.Items),
            UnitsPerItem = Int("unitsPerItem", defaults.UnitsPerItem),
            ExpectedBuyers = Int("buyers", defaults.ExpectedBuyers),
            Duration = TimeSpan.FromMinutes(Int("minutes", (int)defaults.Duration.TotalMinutes)),
            Channels = lag == 1 ? defaults.Channels : defaults.Channels.Select(c => c.Slower(lag)).ToList(),
        };
        return (scenario, Int("threshold", 2), Int("bufferPercent", 20));
    }

    private static string Table(string name, FlashSaleScenario scenario, IReadOnlyList<FlashSaleResult> results)
    {
        var text = new StringBuilder();
        var units = scenario.MaxUnitsPerItem is { } most && most != scenario.UnitsPerItem ? $"{scenario.UnitsPerItem}-{most}" : $"{scenario.UnitsPerItem}";
        var length = scenario.Duration >= TimeSpan.FromDays(1) ? $"{scenario.Duration.TotalDays:0} days" : $"{scenario.Duration.TotalMinutes:0} min";
        text.AppendLine(CultureInfo.InvariantCulture, $"{name}: {scenario.Items} items × {units} units, {(results.Count > 0 ? results[0].Buyers : 0)} buyers over {length}, {scenario.Cost.PerUnit:0.00} per oversold unit");
        var width = Math.Max(6, results.Max(r => r.Policy.Length));
        text.AppendLine(CultureInfo.InvariantCulture, $"{"policy".PadRight(width)}  {"sold",6}  {"oversold",8}  {"lost",6}  {"cost",10}");
        foreach (var r in results)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{r.Policy.PadRight(width)}  {r.Sold,6}  {r.Oversold,8}  {r.LostSales,6}  {r.OversellCost,10:0.00}");
        }

        return text.ToString().TrimEnd();
    }
}

using System.Globalization;
using System.Net;
using System.Text;
using FuncSync.Domain.Simulation;

namespace FuncSync.FlashSale;

/// <summary>The results as a plain-text table and as an SVG chart a seller can open in a browser.</summary>
public static class Report
{
    public static string Table(FlashSaleScenario scenario, IReadOnlyList<FlashSaleResult> results)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(results);
        var text = new StringBuilder();
        text.AppendLine(Invariant($"{Title(scenario)}: {scenario.Items} items x {Units(scenario)} unit(s), {scenario.Channels.Count} channels ({string.Join(", ", scenario.Channels.Select(c => c.Name))}), {Length(scenario)}, {(results.Count > 0 ? results[0].Buyers : 0)} buyers, seed {scenario.Seed}"));
        text.AppendLine(Invariant($"Cost per oversold unit: {scenario.Cost.PerUnit:0.00} (refund fees {scenario.Cost.RefundFees:0.00}, materials {scenario.Cost.Materials:0.00}, support {scenario.Cost.SupportMinutes:0} min at {scenario.Cost.SupportHourlyRate:0.00}/h, reputation {scenario.Cost.Reputation:0.00})"));
        text.AppendLine();
        text.AppendLine("| policy | sold | oversold | oversold per 1,000 sold | lost sales | avg units visible | pushes | oversell cost |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            text.AppendLine(Invariant($"| {r.Policy} | {r.Sold} | {r.Oversold} | {r.OversoldPerUnitSold * 1000:0.00} | {r.LostSales} | {r.AverageVisible:0.0} | {r.Pushes} | {r.OversellCost:0.00} |"));
        }

        return text.ToString();
    }

    /// <summary>Three bar groups per policy: units sold, oversold and lost sales.</summary>
    public static string Svg(FlashSaleScenario scenario, IReadOnlyList<FlashSaleResult> results)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(results);
        const int rowHeight = 54, left = 230, barWidth = 520, top = 70;
        var max = Math.Max(1, results.Max(r => Math.Max(r.Sold, Math.Max(r.Oversold, r.LostSales))));
        var height = top + (results.Count * rowHeight) + 40;
        var svg = new StringBuilder();
        svg.AppendLine(Invariant($"""<svg xmlns="http://www.w3.org/2000/svg" width="{left + barWidth + 120}" height="{height}" font-family="sans-serif" font-size="13">"""));
        svg.AppendLine("""<rect width="100%" height="100%" fill="white"/>""");
        svg.AppendLine(Invariant($"""<text x="10" y="22" font-size="16" font-weight="bold">{Escape(Invariant($"{Title(scenario)}: {scenario.Items} items x {Units(scenario)}, {scenario.Channels.Count} channels, {Length(scenario)}, seed {scenario.Seed}"))}</text>"""));
        svg.AppendLine(Invariant($"""<text x="10" y="44">Units sold (green), oversold (red, {scenario.Cost.PerUnit:0.00} each), lost sales (grey: a buyer saw 0 while a unit was free)</text>"""));
        for (var i = 0; i < results.Count; i++)
        {
            var r = results[i];
            var y = top + (i * rowHeight);
            svg.AppendLine(Invariant($"""<text x="10" y="{y + 26}">{Escape(r.Policy)}</text>"""));
            Bar(svg, left, y, r.Sold, max, barWidth, "#2e7d32");
            Bar(svg, left, y + 15, r.Oversold, max, barWidth, "#c62828");
            Bar(svg, left, y + 30, r.LostSales, max, barWidth, "#9e9e9e");
        }

        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    private static void Bar(StringBuilder svg, int left, int y, int value, int max, int width, string colour)
    {
        var w = Math.Max(1, value * width / max);
        svg.AppendLine(Invariant($"""<rect x="{left}" y="{y}" width="{w}" height="12" fill="{colour}"/><text x="{left + w + 6}" y="{y + 11}">{value}</text>"""));
    }

    private static string Title(FlashSaleScenario scenario) => char.ToUpperInvariant(scenario.Name[0]) + scenario.Name[1..];

    private static string Units(FlashSaleScenario scenario) =>
        scenario.MaxUnitsPerItem is { } most && most != scenario.UnitsPerItem ? Invariant($"{scenario.UnitsPerItem}-{most}") : Invariant($"{scenario.UnitsPerItem}");

    private static string Length(FlashSaleScenario scenario) =>
        scenario.Duration >= TimeSpan.FromDays(1) ? Invariant($"{scenario.Duration.TotalDays:0} days") : Invariant($"{scenario.Duration.TotalMinutes:0} min");

    private static string Escape(string text) => WebUtility.HtmlEncode(text);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

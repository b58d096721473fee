namespace FuncSync.Domain.Costing;

/// <summary>One channel sale as the ledger applied it.</summary>
/// <param name="Month">The UTC month the ledger applied it (yyyy-MM).</param>
/// <param name="Paid">What the buyer paid for the line; null when the channel gave no price.</param>
/// <param name="Oversold">Units of the line the stock could not cover.</param>
public sealed record SoldLine(string Month, string Sku, string Channel, int Units, Money? Paid, int Oversold);

/// <summary>Units of a sale given back (a cancellation or a return), with their share of the sale's price.</summary>
public sealed record RestockedLine(string Month, string Sku, int Units, Money? Refunded);

/// <summary>What one oversold unit costs beyond its refund, as the oversell calculator reckons it.</summary>
/// <param name="FeesNotRefundedPercent">Share of the line's price the seller does not get back on the refund.</param>
/// <param name="SupportMinutes">The seller's time on each oversold order.</param>
/// <param name="ReputationCost">What a cancelled order costs in reviews and standing.</param>
public sealed record OversellCosts(decimal FeesNotRefundedPercent, decimal SupportMinutes, decimal SupportHourlyRate, decimal ReputationCost)
{
    /// <summary>The calculator's own defaults.</summary>
    public static OversellCosts Default { get; } = new(4m, 15m, 30m, 15m);

    /// <returns>An error sentence, or null.</returns>
    public string? Validate() => this switch
    {
        { FeesNotRefundedPercent: < 0 or > 100 } => "feesNotRefundedPercent must be between 0 and 100.",
        { SupportMinutes: < 0 or > 600 } => "supportMinutes must be between 0 and 600.",
        { SupportHourlyRate: < 0 or > 10_000 } => "supportHourlyRate must be between 0 and 10000.",
        { ReputationCost: < 0 or > 100_000 } => "reputationCost must be between 0 and 100000.",
        _ => null,
    };

    /// <param name="unitPrice">What the buyer paid for one unit; null when unknown (no fees reckoned then).</param>
    /// <param name="materials">Materials already spent on the unit (a made-to-order piece started before the cancellation).</param>
    public decimal PerUnit(decimal? unitPrice, decimal materials) =>
        ((unitPrice ?? 0m) * FeesNotRefundedPercent / 100m) + (SupportMinutes / 60m * SupportHourlyRate) + ReputationCost + materials;
}

/// <summary>What the SKU map says of a SKU for its margin.</summary>
/// <param name="UnitCost">One unit's cost (a bundle's its parts' plus its extra); null when unknown.</param>
/// <param name="MadeToOrder">A piece made after the order: an oversold one may have used materials already.</param>
public sealed record MarginSku(string Title, decimal? UnitCost, bool MadeToOrder);

/// <summary>One product's month.</summary>
/// <param name="Currency">The currency its orders were paid in; null for lines the channels sent without a price.</param>
/// <param name="UnitsBack">Units of these sales cancelled or returned (in the month the ledger took them back).</param>
/// <param name="OversellLoss">Oversold units times what the calculator reckons each costs (fees not refunded, materials
/// of a made-to-order piece, the seller's time, reputation).</param>
public sealed record MarginRow(
    string Month,
    string Sku,
    string Title,
    string? Currency,
    int UnitsSold,
    int UnitsBack,
    decimal Revenue,
    decimal Refunded,
    decimal? UnitCost,
    int Oversold,
    decimal OversellLoss)
{
    public int NetUnits => UnitsSold - UnitsBack;

    public decimal NetRevenue => Revenue - Refunded;

    /// <summary>Net units times the unit cost; null when the SKU has no cost.</summary>
    public decimal? CostOfGoods => UnitCost is { } cost ? cost * NetUnits : null;

    /// <summary>Net revenue less the cost of goods and the oversells' cost; null without a cost or a price.</summary>
    public decimal? Margin => CostOfGoods is { } cogs && Currency is not null ? NetRevenue - cogs - OversellLoss : null;

    public decimal? MarginPercent => Margin is { } margin && NetRevenue != 0 ? decimal.Round(margin / NetRevenue * 100m, 1) : null;
}

/// <summary>Cost and margin per product and month, from the ledger's order lines and the SKU map's costs.</summary>
public static class MarginReport
{
    public static IReadOnlyList<MarginRow> Monthly(
        IEnumerable<SoldLine> sold,
        IEnumerable<RestockedLine> restocked,
        Func<string, MarginSku?> skuOf,
        OversellCosts costs)
    {
        ArgumentNullException.ThrowIfNull(sold);
        ArgumentNullException.ThrowIfNull(restocked);
        ArgumentNullException.ThrowIfNull(skuOf);
        ArgumentNullException.ThrowIfNull(costs);
        var rows = new Dictionary<(string Month, string Sku, string? Currency), Totals>();
        Totals For(string month, string sku, string? currency) =>
            rows.TryGetValue((month, sku, currency), out var found) ? found : rows[(month, sku, currency)] = new Totals();

        foreach (var line in sold)
        {
            var totals = For(line.Month, line.Sku, line.Paid?.Currency);
            totals.Sold += line.Units;
            totals.Revenue += line.Paid?.Amount ?? 0m;
            totals.Oversold += line.Oversold;
            if (line.Oversold > 0)
            {
                var sku = skuOf(line.Sku);
                var unitPrice = line.Paid is { } paid && line.Units > 0 ? paid.Amount / line.Units : (decimal?)null;
                var materials = sku is { MadeToOrder: true, UnitCost: { } cost } ? cost : 0m;
                totals.Loss += line.Oversold * costs.PerUnit(unitPrice, materials);
            }
        }

        foreach (var line in restocked)
        {
            var totals = For(line.Month, line.Sku, line.Refunded?.Currency);
            totals.Back += line.Units;
            totals.Refunded += line.Refunded?.Amount ?? 0m;
        }

        return [.. rows
            .Select(r =>
            {
                var sku = skuOf(r.Key.Sku);
                return new MarginRow(r.Key.Month, r.Key.Sku, sku?.Title ?? string.Empty, r.Key.Currency, r.Value.Sold, r.Value.Back,
                    r.Value.Revenue, r.Value.Refunded, sku?.UnitCost, r.Value.Oversold, decimal.Round(r.Value.Loss, 2));
            })
            .OrderByDescending(r => r.Month, StringComparer.Ordinal)
            .ThenBy(r => r.Sku, StringComparer.Ordinal)
            .ThenBy(r => r.Currency is null)
            .ThenBy(r => r.Currency, StringComparer.Ordinal)];
    }

    private sealed class Totals
    {
        public int Sold { get; set; }

        public int Back { get; set; }

        public decimal Revenue { get; set; }

        public decimal Refunded { get; set; }

        public int Oversold { get; set; }

        public decimal Loss { get; set; }
    }
}

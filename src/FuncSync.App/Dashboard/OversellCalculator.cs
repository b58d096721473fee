using FuncSync.Domain.Allocation;
using FuncSync.Domain.Simulation;

namespace FuncSync.Dashboard;

/// <summary>A seller's own figures for the oversell cost calculator.</summary>
/// <param name="FeesNotRefundedPercent">Share of the order value the seller does not get back on a refund (payment and marketplace fees).</param>
/// <param name="Channels">Which of the simulator's channels the seller sells on (Shopify, Etsy, eBay).</param>
/// <param name="SyncIntervalMinutes">How often the seller's current tool syncs every channel.</param>
/// <param name="DropsPerYear">Launches or busy days a year that look like the simulated drop.</param>
public sealed record OversellQuestion(
    decimal AverageOrderValue,
    decimal MaterialCost,
    decimal SupportMinutes,
    decimal SupportHourlyRate,
    decimal FeesNotRefundedPercent,
    decimal ReputationCost,
    IReadOnlyList<string> Channels,
    double SyncIntervalMinutes,
    int DropsPerYear,
    int ItemsPerDrop,
    int UnitsPerItem,
    int BuyersPerDrop);

/// <summary>Answer of <c>GET /api/oversell-cost</c>: the channels the calculator can simulate.</summary>
public sealed record OversellChannels(IReadOnlyList<OversellChannel> Channels);

/// <param name="Selected">The seller sells there through FuncSync, so the form ticks it.</param>
public sealed record OversellChannel(string Name, bool Selected);

/// <param name="LostSalesPerYear">Buyers turned away while a unit was still free, the price of holding units back.</param>
public sealed record OversellOutcome(string Policy, int OversoldPerDrop, int OversoldPerYear, decimal YearlyCost, int LostSalesPerYear, decimal LostRevenuePerYear);

/// <summary>Answer of the calculator: the seller's current tool against FuncSync out of the box and FuncSync
/// protecting the last units, on the same simulated buyers.</summary>
public sealed record OversellEstimate(decimal CostPerOversoldUnit, int BuyersPerDrop, OversellOutcome Current, OversellOutcome FuncSync, OversellOutcome FuncSyncProtected);

/// <summary>Turns a seller's figures into a flash-sale scenario and runs the simulator on it: what oversells
/// cost a year with their current sync interval, with FuncSync's event-driven sync, and with the last units
/// partitioned between channels.</summary>
public static class OversellCalculator
{
    public const int ProtectedThreshold = 2;

    /// <returns>An error sentence, or null when the question can be answered.</returns>
    public static string? Validate(OversellQuestion question)
    {
        ArgumentNullException.ThrowIfNull(question);
        return question switch
        {
            { AverageOrderValue: < 0 or > 100_000 } => "averageOrderValue must be between 0 and 100000.",
            { MaterialCost: < 0 or > 100_000 } => "materialCost must be between 0 and 100000.",
            { SupportMinutes: < 0 or > 600 } => "supportMinutes must be between 0 and 600.",
            { SupportHourlyRate: < 0 or > 10_000 } => "supportHourlyRate must be between 0 and 10000.",
            { FeesNotRefundedPercent: < 0 or > 100 } => "feesNotRefundedPercent must be between 0 and 100.",
            { ReputationCost: < 0 or > 100_000 } => "reputationCost must be between 0 and 100000.",
            { SyncIntervalMinutes: < 0.1 or > 1440 } => "syncIntervalMinutes must be between 0.1 and 1440.",
            { DropsPerYear: < 1 or > 365 } => "dropsPerYear must be between 1 and 365.",
            { ItemsPerDrop: < 1 or > 2000 } => "itemsPerDrop must be between 1 and 2000.",
            { UnitsPerItem: < 1 or > 100 } => "unitsPerItem must be between 1 and 100.",
            { BuyersPerDrop: < 1 or > 20_000 } => "buyersPerDrop must be between 1 and 20000.",
            _ when question.Channels is not { Count: > 0 } => "channels must name at least one of " + string.Join(", ", SimChannel.Defaults.Select(c => c.Name)) + ".",
            _ when question.Channels.FirstOrDefault(n => !SimChannel.Defaults.Any(c => c.Name.Equals(n, StringComparison.OrdinalIgnoreCase))) is { } unknown =>
                $"channels: '{unknown}' is not one of {string.Join(", ", SimChannel.Defaults.Select(c => c.Name))}.",
            _ => null,
        };
    }

    public static OversellEstimate Estimate(OversellQuestion question)
    {
        var channels = SimChannel.Defaults.Where(c => question.Channels.Contains(c.Name, StringComparer.OrdinalIgnoreCase)).ToList();
        var cost = new OversellCost(
            RefundFees: Math.Round(question.AverageOrderValue * question.FeesNotRefundedPercent / 100m, 2),
            Materials: question.MaterialCost,
            SupportMinutes: question.SupportMinutes,
            SupportHourlyRate: question.SupportHourlyRate,
            Reputation: question.ReputationCost);
        var scenario = new FlashSaleScenario
        {
            Items = question.ItemsPerDrop,
            UnitsPerItem = question.UnitsPerItem,
            ExpectedBuyers = question.BuyersPerDrop,
            Channels = channels,
            Cost = cost,
        };
        var noBuffers = channels.Select(_ => ChannelBuffer.None).ToArray();
        FlashSalePolicy[] policies =
        [
            new BatchSync("your current tool", TimeSpan.FromMinutes(question.SyncIntervalMinutes)),
            new EventDriven("FuncSync", AllocationPolicy.Plain, noBuffers),
            new EventDriven($"FuncSync protecting the last {ProtectedThreshold} units", new AllocationPolicy(AllocationMode.Protected, ProtectedThreshold), noBuffers),
        ];
        var results = FlashSaleSimulator.Run(scenario, policies);
        OversellOutcome Outcome(FlashSaleResult r) => new(
            r.Policy,
            r.Oversold,
            r.Oversold * question.DropsPerYear,
            r.OversellCost * question.DropsPerYear,
            r.LostSales * question.DropsPerYear,
            r.LostSales * question.DropsPerYear * question.AverageOrderValue);
        return new OversellEstimate(cost.PerUnit, results[0].Buyers, Outcome(results[0]), Outcome(results[1]), Outcome(results[2]));
    }
}

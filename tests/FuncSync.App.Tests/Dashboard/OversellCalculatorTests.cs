using FuncSync.Dashboard;

namespace FuncSync.App.Tests.Dashboard;

public sealed class OversellCalculatorTests
{
    private static readonly OversellQuestion Seller = new(
        AverageOrderValue: 45, MaterialCost: 4, SupportMinutes: 15, SupportHourlyRate: 30, FeesNotRefundedPercent: 4, ReputationCost: 15,
        Channels: ["Shopify", "Etsy"], SyncIntervalMinutes: 15, DropsPerYear: 12, ItemsPerDrop: 50, UnitsPerItem: 1, BuyersPerDrop: 300);

    [Fact]
    public void Estimate_FifteenMinuteTool_OversellsMoreThanFuncSyncAndProtectedNone()
    {
        var estimate = OversellCalculator.Estimate(Seller);

        Assert.True(estimate.Current.OversoldPerYear > estimate.FuncSync.OversoldPerYear, $"{estimate.Current.OversoldPerYear} vs {estimate.FuncSync.OversoldPerYear}");
        Assert.Equal(0, estimate.FuncSyncProtected.OversoldPerYear);
        Assert.Equal(estimate.Current.OversoldPerDrop * 12, estimate.Current.OversoldPerYear);
    }

    [Fact]
    public void Estimate_SellersCosts_PerUnitIsFeesMaterialsSupportAndReputation()
    {
        var estimate = OversellCalculator.Estimate(Seller);

        // 4 % of 45 not refunded, 4 of materials, a quarter hour at 30, 15 of reputation.
        Assert.Equal(1.80m + 4m + 7.50m + 15m, estimate.CostPerOversoldUnit);
        Assert.Equal(estimate.Current.OversoldPerYear * estimate.CostPerOversoldUnit, estimate.Current.YearlyCost);
    }

    [Fact]
    public void Estimate_SameFigures_SameAnswer()
    {
        Assert.Equal(OversellCalculator.Estimate(Seller).Current, OversellCalculator.Estimate(Seller).Current);
    }

    [Theory]
    [InlineData("Amazon")]
    [InlineData("")]
    public void Validate_UnknownChannel_Refused(string channel)
    {
        Assert.Contains("channels", OversellCalculator.Validate(Seller with { Channels = [channel] }), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_HugeDrop_RefusedBeforeRunning()
    {
        Assert.Contains("buyersPerDrop", OversellCalculator.Validate(Seller with { BuyersPerDrop = 1_000_000 }), StringComparison.Ordinal);
    }
}

using FuncSync.Domain.Allocation;

namespace FuncSync.Domain.Tests.Allocation;

public sealed class DerivedThresholdTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly OversellTolerance Default = OversellTolerance.Default;

    [Fact]
    public void From_OneOffSellingOnceAMonthTwentySecondLag_NothingPartitioned()
    {
        // The seller: one sale a month, trusted over a long history, a 20 s worst lag.
        var velocity = new SalesVelocity(1.0 / (30 * 24), 1) { Units = 1, History = TimeSpan.FromDays(30) };

        Assert.Equal(0, DerivedThreshold.From(velocity, TimeSpan.FromSeconds(20), Default));
    }

    [Fact]
    public void From_DropSellingSixtyAnHourFifteenMinuteLag_PartitionsWellAboveTheMeanSales()
    {
        // μ = 15 units within the lag: sharing is safe only where more than that many buyers are
        // unlikely to meet, several standard deviations above μ.
        var velocity = new SalesVelocity(60, 200) { Units = 200, History = TimeSpan.FromHours(3) };

        var threshold = DerivedThreshold.From(velocity, TimeSpan.FromMinutes(15), Default);

        Assert.Equal(24, threshold);
        Assert.True(DerivedThreshold.ExpectedOversold(15, threshold) > 0.001 * 15);
        Assert.True(DerivedThreshold.ExpectedOversold(15, threshold + 1) <= 0.001 * 15);
    }

    [Theory]
    [InlineData(0.1, 0)]
    [InlineData(0.5, 1)]
    [InlineData(10, 2)]
    [InlineData(100, 6)]
    public void From_RateAtTheEdgeOfTheTolerance_PartitionsWhereTheExpectedOversellExceedsIt(double unitsPerHour, int threshold)
    {
        // One-minute lag: μ = rate / 60. At A = 1 the expected oversold share is about μ/2, so a rate of
        // 0.1 an hour (μ/2 = 0.0008) shares the last unit and 0.5 an hour (0.004) does not.
        var velocity = new SalesVelocity(unitsPerHour, 50) { Units = 50, History = TimeSpan.FromDays(1) };

        Assert.Equal(threshold, DerivedThreshold.From(velocity, TimeSpan.FromMinutes(1), Default));
    }

    [Fact]
    public void From_ThresholdIsTheLastLevelOverTheTolerance_ForAnyRateLagAndTolerance()
    {
        foreach (var rate in new[] { 0.01, 0.3, 2, 17, 240, 3_000 })
        {
            foreach (var lagSeconds in new[] { 1, 20, 90, 900 })
            {
                foreach (var epsilon in new[] { 0.1, 0.001, 0.00001 })
                {
                    var tolerance = Default with { PerUnitSold = epsilon };
                    var velocity = new SalesVelocity(rate, 100) { Units = 100, History = TimeSpan.FromDays(2) };
                    var mu = rate * lagSeconds / 3600.0;

                    var threshold = DerivedThreshold.From(velocity, TimeSpan.FromSeconds(lagSeconds), tolerance);

                    Assert.True(DerivedThreshold.ExpectedOversold(mu, threshold) > epsilon * mu, $"rate {rate}, lag {lagSeconds}: level {threshold} is within the tolerance");
                    Assert.True(DerivedThreshold.ExpectedOversold(mu, threshold + 1) <= epsilon * mu, $"rate {rate}, lag {lagSeconds}: level {threshold + 1} is over the tolerance");
                }
            }
        }
    }

    [Fact]
    public void From_NeverSold_Zero()
    {
        Assert.Equal(0, DerivedThreshold.From(SalesVelocity.None, TimeSpan.FromHours(1), Default));
    }

    [Fact]
    public void From_FirstSaleOfADropSecondsAgo_NotTrustedToBeSlow()
    {
        // One unit sold 30 s ago weighs like one unit an hour: the weighted rate says 0.7 an hour,
        // the history says it is far too short to believe that.
        var velocity = DerivedThreshold.Velocity([(Now - TimeSpan.FromSeconds(30), 1)], Now, TimeSpan.FromHours(1));

        Assert.True(DerivedThreshold.From(velocity, TimeSpan.FromSeconds(30), Default) >= 1);
        Assert.Equal(0, DerivedThreshold.From(velocity with { History = TimeSpan.FromDays(3), UnitsPerHour = 1.0 / 72 }, TimeSpan.FromSeconds(30), Default));
    }

    [Fact]
    public void RateToTrust_LongHistory_TheWeightedRate()
    {
        var velocity = new SalesVelocity(0.2, 3) { Units = 3, History = TimeSpan.FromHours(2) };

        Assert.Equal(0.2, Default.RateToTrust(velocity));
    }

    [Fact]
    public void RateToTrust_ShortHistory_AtLeastUnitsOverTheSpan()
    {
        var velocity = new SalesVelocity(2.7, 4) { Units = 4, History = TimeSpan.FromMinutes(10) };

        Assert.Equal(24, Default.RateToTrust(velocity), 9);
    }

    [Theory]
    [InlineData(0.0, 3, 0.0)]
    [InlineData(1.0, 0, 1.0)]
    [InlineData(1.0, 1, 0.36787944117144233)]
    [InlineData(2.0, 2, 0.5413411329464508)]
    public void ExpectedOversold_Poisson_ExpectedExcessOverTheUnits(double mu, int units, double expected)
    {
        // E[(N − A)⁺] = μ − A + Σ_{k<A} (A − k) P(k): for μ = 1, A = 1 that is e^-1; for μ = 2, A = 2, 2e^-2.
        Assert.Equal(expected, DerivedThreshold.ExpectedOversold(mu, units), 12);
    }

    [Fact]
    public void Velocity_SteadyRateOverLongHistory_ThatRate()
    {
        // One unit every 10 minutes for two days: 6 an hour.
        var sales = Enumerable.Range(0, 288).Select(i => (Now - TimeSpan.FromMinutes(10 * i), 1));

        var velocity = DerivedThreshold.Velocity(sales, Now, TimeSpan.FromHours(1));

        Assert.InRange(velocity.UnitsPerHour, 5.5, 6.5);
        Assert.Equal(288, velocity.Sales);
        Assert.Equal(288, velocity.Units);
        Assert.Equal(TimeSpan.FromMinutes(2870), velocity.History);
    }

    [Fact]
    public void Velocity_SameBurstOneHalfLifeOlder_HalfTheWeight()
    {
        var recent = DerivedThreshold.Velocity([(Now, 4)], Now, TimeSpan.FromHours(1));
        var older = DerivedThreshold.Velocity([(Now - TimeSpan.FromHours(1), 4)], Now, TimeSpan.FromHours(1));

        Assert.Equal(recent.UnitsPerHour / 2, older.UnitsPerHour, 9);
    }

    [Fact]
    public void Velocity_NoSales_ZeroAndNoneCounted()
    {
        Assert.Equal(SalesVelocity.None, DerivedThreshold.Velocity([], Now, TimeSpan.FromHours(1)));
    }

    [Fact]
    public void IsValid_ToleranceOutsideZeroToOne_Refused()
    {
        Assert.False((Default with { PerUnitSold = 0 }).IsValid());
        Assert.False((Default with { PerUnitSold = 1 }).IsValid());
        Assert.True(Default.IsValid());
    }
}

using FuncSync.Domain.Allocation;

namespace FuncSync.Domain.Tests.Allocation;

public sealed class DerivedThresholdTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(6.0, 30, 3)]
    [InlineData(6.0, 31, 4)]
    [InlineData(0.1, 15, 1)]
    [InlineData(120.0, 1, 2)]
    [InlineData(0.0, 60, 1)]
    public void From_VelocityTimesWorstLag_RoundedUpAtLeastOneAfterSales(double unitsPerHour, int lagMinutes, int threshold)
    {
        Assert.Equal(threshold, DerivedThreshold.From(new SalesVelocity(unitsPerHour, 5), TimeSpan.FromMinutes(lagMinutes)));
    }

    [Fact]
    public void From_NeverSold_Zero()
    {
        Assert.Equal(0, DerivedThreshold.From(SalesVelocity.None, TimeSpan.FromHours(1)));
    }

    [Fact]
    public void Velocity_SteadyRateOverLongHistory_ThatRate()
    {
        // One unit every 10 minutes for two days: 6 an hour.
        var sales = Enumerable.Range(0, 288).Select(i => (Now - TimeSpan.FromMinutes(10 * i), 1));

        var velocity = DerivedThreshold.Velocity(sales, Now, TimeSpan.FromHours(1));

        Assert.InRange(velocity.UnitsPerHour, 5.5, 6.5);
        Assert.Equal(288, velocity.Sales);
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
}

using FuncSync.Domain.Forecasting;

namespace FuncSync.Domain.Tests.Forecasting;

public sealed class ForecastingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly SalesDecay Decay = new(TimeSpan.FromDays(14));

    [Fact]
    public void PerDay_SteadySalesOverManyHalfLives_IsTheRate()
    {
        var sales = Sell(default, T0, days: 140, perDay: 3);

        Assert.InRange(sales.PerDay(T0.AddDays(140), Decay), 2.9, 3.1);
    }

    [Fact]
    public void PerDay_YoungHistory_NotMistakenForASlowOne()
    {
        var sales = Sell(default, T0, days: 3, perDay: 2);

        Assert.InRange(sales.PerDay(T0.AddDays(3), Decay), 1.8, 2.2);
    }

    [Fact]
    public void PerDay_OneHalfLifeWithoutSales_AboutHalves()
    {
        var sales = Sell(default, T0, days: 140, perDay: 4);
        var before = sales.PerDay(T0.AddDays(140), Decay);

        var after = sales.PerDay(T0.AddDays(154), Decay);

        Assert.InRange(after / before, 0.45, 0.55);
    }

    [Fact]
    public void PerDay_RecentSalesWeighMoreThanOldOnes()
    {
        var old = default(DecayedSales).Record(10, T0, Decay).Record(1, T0.AddDays(30), Decay);
        var recent = default(DecayedSales).Record(1, T0, Decay).Record(10, T0.AddDays(30), Decay);

        Assert.True(recent.PerDay(T0.AddDays(30), Decay) > 3 * old.PerDay(T0.AddDays(30), Decay));
    }

    [Fact]
    public void Record_Cancellation_TakesTheUnitsBackNeverBelowZero()
    {
        var sales = default(DecayedSales).Record(2, T0, Decay).Record(-2, T0, Decay);

        Assert.Equal(0, sales.PerDay(T0.AddDays(1), Decay));
        Assert.Equal(0, sales.Record(-5, T0, Decay).Score);
    }

    [Fact]
    public void Record_EventOlderThanTheScore_CountsWithItsAge()
    {
        var inOrder = default(DecayedSales).Record(1, T0, Decay).Record(1, T0.AddDays(14), Decay);
        var late = default(DecayedSales).Record(1, T0.AddDays(14), Decay).Record(1, T0, Decay);

        Assert.Equal(inOrder.Score, late.Score, 9);
        Assert.Equal(inOrder.At, late.At);
        Assert.Equal(T0, late.Since);
    }

    [Fact]
    public void For_SellingTwoADayWithTenLeft_FiveDaysOfCoverAndReorderDate()
    {
        var forecast = StockForecast.For(10, 2, leadTimeDays: 3, lowStock: null, T0);

        Assert.Equal(5, forecast.DaysOfCover);
        Assert.Equal(new DateOnly(2026, 1, 3), forecast.ReorderBy);
        Assert.False(forecast.IsLow);
    }

    [Fact]
    public void For_CoverShorterThanLeadTime_Low()
    {
        Assert.True(StockForecast.For(10, 2, leadTimeDays: 6, lowStock: null, T0).IsLow);
    }

    [Fact]
    public void For_AtThresholdWithNoSales_LowWithoutCover()
    {
        var forecast = StockForecast.For(2, 0, leadTimeDays: 14, lowStock: 2, T0);

        Assert.True(forecast.IsLow);
        Assert.Null(forecast.DaysOfCover);
        Assert.Null(forecast.ReorderBy);
        Assert.False(StockForecast.For(3, 0, leadTimeDays: 14, lowStock: 2, T0).IsLow);
    }

    [Fact]
    public void For_Oversold_NoCoverLeftAndLow()
    {
        var forecast = StockForecast.For(-1, 1, leadTimeDays: 2, lowStock: null, T0);

        Assert.Equal(0, forecast.DaysOfCover);
        Assert.True(forecast.IsLow);
    }

    private static DecayedSales Sell(DecayedSales sales, DateTimeOffset from, int days, int perDay)
    {
        for (var hour = 0; hour < days * 24; hour++)
        {
            if (hour % (24 / perDay) == 0)
            {
                sales = sales.Record(1, from.AddHours(hour), Decay);
            }
        }

        return sales;
    }
}

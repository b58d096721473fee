using FuncSync.Domain.Forecasting;

namespace FuncSync.Domain.Tests.Forecasting;

public sealed class LowStockRuleTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan History = TimeSpan.FromDays(14);

    [Fact]
    public void Judge_OneOffWithNeitherLeadTimeNorThreshold_NeverLow()
    {
        var forecast = StockForecast.For(0, 3.07, 14, null, Now);

        Assert.Equal(LowStockVerdict.NotRestocked, LowStockRule.Judge(forecast, null, null, Now.AddDays(-60), History, Now));
    }

    [Fact]
    public void Judge_ShortCoverAfterOneDayOfSales_NotYetJudged()
    {
        var forecast = StockForecast.For(2, 3.07, 14, null, Now);

        Assert.Equal(LowStockVerdict.Fine, LowStockRule.Judge(forecast, 14, null, Now.AddDays(-1), History, Now));
    }

    [Fact]
    public void Judge_ShortCoverWithEnoughHistory_Low()
    {
        var forecast = StockForecast.For(2, 1, 14, null, Now);

        Assert.Equal(LowStockVerdict.ShortCover, LowStockRule.Judge(forecast, 14, null, Now.AddDays(-30), History, Now));
    }

    [Fact]
    public void Judge_AtTheSellersThreshold_LowWithoutHistory()
    {
        var forecast = StockForecast.For(2, 0, 14, 2, Now);

        Assert.Equal(LowStockVerdict.BelowThreshold, LowStockRule.Judge(forecast, null, 2, null, History, Now));
    }

    [Fact]
    public void ReorderDate_InThePast_IsNull()
    {
        var forecast = StockForecast.For(1, 1, 14, null, Now);

        Assert.True(forecast.ReorderBy < DateOnly.FromDateTime(Now.UtcDateTime));
        Assert.Null(LowStockRule.ReorderDate(forecast, Now));
    }

    [Fact]
    public void ReorderDate_Ahead_IsTheDate()
    {
        var forecast = StockForecast.For(30, 1, 14, null, Now);

        Assert.Equal(new DateOnly(2026, 12, 18), LowStockRule.ReorderDate(forecast, Now));
    }
}

using FuncSync.Domain.Counting;

namespace FuncSync.Domain.Tests.Counting;

public sealed class ShrinkageReportTests
{
    private static readonly DateTimeOffset December = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Monthly_LostAndFound_NetUnitsPercentAndMoney()
    {
        var report = ShrinkageReport.Monthly(
        [
            new("A", December, Expected: 10, Counted: 8, Reason: "damaged", UnitCost: 4.5m),
            new("B", December.AddDays(1), Expected: 10, Counted: 10, Reason: null, UnitCost: 2m),
            new("C", December.AddDays(2), Expected: 0, Counted: 1, Reason: "found", UnitCost: 3m),
            new("D", December.AddDays(3), Expected: 5, Counted: 4, Reason: null, UnitCost: null),
        ]);

        var month = Assert.Single(report);
        Assert.Equal("2026-12", month.Month);
        Assert.Equal(4, month.Counts);
        Assert.Equal(25, month.Expected);
        Assert.Equal(23, month.Counted);
        Assert.Equal(2, month.Shrinkage); // 2 damaged + 1 unexplained − 1 found
        Assert.Equal(2.0 / 25, month.Percent);
        Assert.Equal(6m, month.Value); // 2 × 4.50 − 1 × 3.00; D has no cost
        Assert.Equal(1, month.Uncosted);
        Assert.Equal(2, month.ByReason["damaged"]);
        Assert.Equal(-1, month.ByReason["found"]);
        Assert.Equal(1, month.ByReason[ShrinkageReport.Unreviewed]);
    }

    [Fact]
    public void Monthly_ReviewedAsMiscounted_NotShrinkage()
    {
        var month = Assert.Single(ShrinkageReport.Monthly([new("A", December, 10, 4, "miscounted", 1m)]));

        Assert.Equal(0, month.Shrinkage);
        Assert.Null(month.Value);
    }

    [Fact]
    public void Monthly_TwoMonths_NewestFirst()
    {
        var report = ShrinkageReport.Monthly([new("A", December.AddMonths(-1), 3, 2, null, null), new("A", December, 2, 2, null, null)]);

        Assert.Equal(["2026-12", "2026-11"], report.Select(m => m.Month));
    }
}

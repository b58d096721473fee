using FuncSync.Domain.Counting;

namespace FuncSync.Domain.Tests.Counting;

public sealed class WeeklyCountListTests
{
    private static readonly IReadOnlyList<CountCandidate> Catalogue = [.. Enumerable.Range(1, 60).Select(i => new CountCandidate(
        $"SKU-{i:D3}",
        UnitsPerDay: i <= 6 ? 5 : 0.05, // six fast sellers
        StockValue: i is > 6 and <= 12 ? 500 : 10))]; // six valuable items

    private static IEnumerable<string> Weeks(int year, int from, int count) =>
        Enumerable.Range(0, count).Select(i => System.Globalization.ISOWeek.ToDateTime(year, from, DayOfWeek.Monday).AddDays(7 * i))
            .Select(d => WeeklyCountList.WeekOf(new DateTimeOffset(d, TimeSpan.Zero)));

    [Theory]
    [InlineData(2026, 1)]
    [InlineData(2026, 45)] // crosses into 2027, whose weeks do not restart the rotation
    public void For_AnyThirteenWeeks_CountsEverySkuAtLeastOnce(int year, int fromWeek)
    {
        var counted = Weeks(year, fromWeek, 13).SelectMany(w => WeeklyCountList.For(w, Catalogue)).ToList();

        Assert.Empty(Catalogue.Select(c => c.Sku).Except(counted));
    }

    [Fact]
    public void For_Quarter_FastSellersAndValuableItemsCountedMoreOften()
    {
        var counted = Weeks(2026, 10, 13).SelectMany(w => WeeklyCountList.For(w, Catalogue)).GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());

        Assert.All(Enumerable.Range(1, 12), i => Assert.Equal(4, counted[$"SKU-{i:D3}"]));
        Assert.Equal(1, counted["SKU-060"]);
        Assert.Equal((12 * 4) + (18 * 2) + (30 * 1), counted.Values.Sum());
    }

    [Fact]
    public void For_SameWeek_SameList()
    {
        var shuffled = Catalogue.Reverse().ToList();

        Assert.Equal(WeeklyCountList.For("2026-W49", Catalogue), WeeklyCountList.For("2026-W49", shuffled));
        Assert.NotEqual(WeeklyCountList.For("2026-W49", Catalogue), WeeklyCountList.For("2026-W50", Catalogue));
    }

    [Fact]
    public void For_Quarter_LoadSpreadOverTheWeeks()
    {
        var sizes = Weeks(2026, 1, 13).Select(w => WeeklyCountList.For(w, Catalogue).Count).ToList();

        // 114 counts over 13 weeks is about 9 a week; no week should hold a third of the quarter.
        Assert.All(sizes, s => Assert.InRange(s, 1, 30));
    }

    [Theory]
    [InlineData("2026-W49", true)]
    [InlineData("2026-w01", true)]
    [InlineData("2026-W53", true)]
    [InlineData("2027-W53", false)]
    [InlineData("2026-W00", false)]
    [InlineData("2026W49", false)]
    [InlineData("", false)]
    public void TryParse_IsoWeeks(string week, bool valid)
    {
        Assert.Equal(valid, WeeklyCountList.TryParse(week, out _, out _));
    }
}

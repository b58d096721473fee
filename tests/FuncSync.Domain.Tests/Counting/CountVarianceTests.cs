using FuncSync.Domain.Counting;

namespace FuncSync.Domain.Tests.Counting;

public sealed class CountVarianceTests
{
    [Theory]
    [InlineData(100, 95, false)] // exactly 5 %: not above
    [InlineData(100, 94, true)]
    [InlineData(100, 106, true)]
    [InlineData(20, 19, false)] // one unit of twenty is 5 %
    [InlineData(19, 18, true)]
    [InlineData(2, 1, true)] // a SKU of two: one unit is 50 %
    [InlineData(1, 0, true)]
    [InlineData(0, 1, true)] // found where nothing was expected
    [InlineData(0, 0, false)]
    [InlineData(7, 7, false)]
    public void NeedsReview_DifferenceAgainstExpected_AboveFivePercentOrFromNothing(int expected, int counted, bool review)
    {
        Assert.Equal(review, new CountVariance(expected, counted).NeedsReview);
    }

    [Fact]
    public void Percent_NothingExpected_Null()
    {
        Assert.Null(new CountVariance(0, 3).Percent);
        Assert.Equal(-0.25, new CountVariance(8, 6).Percent);
        Assert.Equal(-2, new CountVariance(8, 6).Units);
    }
}

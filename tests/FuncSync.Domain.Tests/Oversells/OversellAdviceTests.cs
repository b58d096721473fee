using FuncSync.Domain.Oversells;

namespace FuncSync.Domain.Tests.Oversells;

public sealed class OversellAdviceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void For_OrderAmongTheSalesAndTwoLinesOfOneOrder_EachCompetitorListedOnceWithoutTheOversoldOrder()
    {
        var oversold = new OversellOrder("Etsy", "Etsy receipt 3025664083", 1, T0.AddMinutes(2));
        var sales = new[]
        {
            oversold,
            new OversellOrder("Shopify", "#1001", 1, T0),
            new OversellOrder("Shopify", "#1001", 1, T0),
        };

        var advice = OversellAdvice.For(oversold, sales, shortfall: 1, "Moonstone pendant", []);

        var competitor = Assert.Single(advice.Competing);
        Assert.Equal(("Shopify", "#1001", 2), (competitor.Channel, competitor.Reference, competitor.Units));
        Assert.DoesNotContain(advice.Competing, o => o.Reference == oversold.Reference);
    }

    [Fact]
    public void For_NoChannelNearItsLine_CancelsTheLaterOrder()
    {
        var oversold = new OversellOrder("Etsy", "Etsy receipt 2", 1, T0.AddMinutes(2));

        var advice = OversellAdvice.For(oversold, [new OversellOrder("Shopify", "#1001", 1, T0)], 1, "Ring", [new ChannelCancellationCost("Etsy", 0.01, 0)]);

        Assert.Equal("Etsy receipt 2", Assert.Single(advice.Cancel).Reference);
        Assert.Contains("later order", advice.Why, StringComparison.Ordinal);
        Assert.Contains("Etsy receipt 2", advice.BuyerMessage, StringComparison.Ordinal);
        Assert.Contains("Ring", advice.BuyerMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void For_LaterOrderOnAChannelNearItsLine_CancelsTheOtherChannelsOrder()
    {
        var oversold = new OversellOrder("Etsy", "Etsy receipt 2", 1, T0.AddMinutes(2));

        var advice = OversellAdvice.For(oversold, [new OversellOrder("Shopify", "#1001", 1, T0)], 1, "Ring", [new ChannelCancellationCost("Etsy", 0.01, 0.006)]);

        Assert.Equal("#1001", Assert.Single(advice.Cancel).Reference);
        Assert.Contains("Etsy is near its cancellation line", advice.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void For_ShortfallOfTwo_CancelsEnoughOrdersToCoverIt()
    {
        var oversold = new OversellOrder("Etsy", "Etsy receipt 3", 1, T0.AddMinutes(3));
        var sales = new[] { new OversellOrder("Shopify", "#1", 1, T0), new OversellOrder("Shopify", "#2", 1, T0.AddMinutes(1)) };

        var advice = OversellAdvice.For(oversold, sales, 2, "Ring", []);

        Assert.Equal(["Etsy receipt 3", "#2"], advice.Cancel.Select(o => o.Reference));
    }

    [Theory]
    [InlineData(null, 0.5, false)]
    [InlineData(0.01, 0.004, false)]
    [InlineData(0.01, 0.005, true)]
    [InlineData(0.01, 0.02, true)]
    public void NearLine_HalfTheThresholdOrMore_IsNear(double? threshold, double rate, bool near) =>
        Assert.Equal(near, new ChannelCancellationCost("Etsy", threshold, rate).NearLine);
}

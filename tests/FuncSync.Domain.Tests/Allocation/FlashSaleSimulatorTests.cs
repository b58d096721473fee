using FuncSync.Domain.Allocation;
using FuncSync.FlashSale;

namespace FuncSync.Domain.Tests.Allocation;

/// <summary>The flash-sale simulator runs the real allocation code; these pin its numbers and the
/// strict bound.</summary>
public sealed class FlashSaleSimulatorTests
{
    [Fact]
    public void Run_DefaultScenarioSeed42_MatchesSnapshot()
    {
        var results = FlashSaleSimulator.Run(Scenario.Default());

        var snapshot = string.Join("\n", results.Select(r => FormattableString.Invariant($"{r.Policy}: sold {r.Sold}, oversold {r.Oversold}, lost {r.LostSales}, visible {r.AverageVisible:0.0}, pushes {r.Pushes}, cost {r.OversellCost:0.00}")));
        Assert.Equal(
            """
            hourly sync: sold 198, oversold 270, lost 0, visible 182.2, pushes 0, cost 7695.00
            15-min polling: sold 198, oversold 259, lost 0, visible 117.4, pushes 0, cost 7381.50
            60-s polling: sold 198, oversold 46, lost 0, visible 34.8, pushes 0, cost 1311.00
            event-driven: sold 198, oversold 14, lost 0, visible 28.9, pushes 402, cost 399.00
            event-driven, 20% buffers: sold 185, oversold 0, lost 173, visible 27.1, pushes 0, cost 0.00
            FuncSync protected (T=2): sold 185, oversold 0, lost 173, visible 27.1, pushes 0, cost 0.00
            FuncSync strict: sold 185, oversold 0, lost 173, visible 27.1, pushes 0, cost 0.00
            """.Replace("\r", string.Empty, StringComparison.Ordinal),
            snapshot);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 5)]
    [InlineData(3, 20)]
    [InlineData(4, 60)]
    [InlineData(5, 120)]
    public void Run_StrictOneUnitItemsAnySeedAndLag_NoUnitOversold(int seed, int lagFactor)
    {
        var baseline = Scenario.Default(seed, items: 60, unitsPerItem: 1, buyers: 600);
        var slow = baseline.Channels.Select(c => c with
        {
            NotifyMin = c.NotifyMin * lagFactor,
            NotifyMax = c.NotifyMax * lagFactor,
            PollInterval = c.PollInterval * lagFactor,
            PushMin = c.PushMin * lagFactor,
            PushMax = c.PushMax * lagFactor,
            RateLimitedRate = 0.2,
            FailureRate = 0.2,
        }).ToArray();
        var scenario = baseline with
        {
            Channels = slow,
            Policies = [new EventDriven("strict", AllocationPolicy.Strict, slow.Select(_ => ChannelBuffer.None).ToArray()), new EventDriven("plain", AllocationPolicy.Plain, slow.Select(_ => ChannelBuffer.None).ToArray())],
        };

        var results = FlashSaleSimulator.Run(scenario);

        Assert.Equal(0, results[0].Oversold);
        Assert.True(results[0].Sold > 0, "strict sold nothing");
        Assert.True(results[1].Oversold > 0 || lagFactor == 1, "plain oversold nothing under long lags: the scenario does not test the bound");
    }

    [Fact]
    public void Run_SameSeed_SameNumbers()
    {
        var scenario = Scenario.Default(9, items: 40, unitsPerItem: 2, buyers: 300);

        Assert.Equal(FlashSaleSimulator.Run(scenario), FlashSaleSimulator.Run(scenario));
    }
}

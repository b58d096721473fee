using FuncSync.Domain.Allocation;
using FuncSync.Domain.Simulation;

namespace FuncSync.Domain.Tests.Simulation;

/// <summary>The flash-sale simulator runs the real allocation code; these pin its numbers and the
/// strict bound.</summary>
public sealed class FlashSaleSimulatorTests
{
    [Fact]
    public void Run_DefaultScenarioSeed42_MatchesSnapshot()
    {
        var results = FlashSaleSimulator.Run(new FlashSaleScenario());

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
        var slow = SimChannel.Defaults.Select(c => c.Slower(lagFactor) with { RateLimitedRate = 0.2, FailureRate = 0.2 }).ToArray();
        var scenario = new FlashSaleScenario { Seed = seed, Items = 60, UnitsPerItem = 1, ExpectedBuyers = 600, Channels = slow };
        var none = slow.Select(_ => ChannelBuffer.None).ToArray();

        var results = FlashSaleSimulator.Run(scenario, [new EventDriven("strict", AllocationPolicy.Strict, none), new EventDriven("plain", AllocationPolicy.Plain, none)]);

        Assert.Equal(0, results[0].Oversold);
        Assert.True(results[0].Sold > 0, "strict sold nothing");
        Assert.True(results[1].Oversold > 0 || lagFactor == 1, "plain oversold nothing under long lags: the scenario does not test the bound");
    }

    [Fact]
    public void Run_SameSeed_SameNumbers()
    {
        var scenario = new FlashSaleScenario { Seed = 9, Items = 40, UnitsPerItem = 2, ExpectedBuyers = 300 };

        Assert.Equal(FlashSaleSimulator.Run(scenario), FlashSaleSimulator.Run(scenario));
    }

    [Fact]
    public void Run_BufferCountDiffersFromChannels_ThrowsBeforeRunning()
    {
        var policy = new EventDriven("wrong", AllocationPolicy.Strict, [ChannelBuffer.None]);

        var error = Assert.Throws<ArgumentException>(() => FlashSaleSimulator.Run(new FlashSaleScenario(), [policy]));
        Assert.Contains("1 buffers for 3 channels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_NoUnits_ThrowsClearError()
    {
        Assert.Throws<ArgumentException>(() => FlashSaleSimulator.Run(new FlashSaleScenario { UnitsPerItem = 0 }));
    }
}

using FuncSync.Domain.Allocation;
using FuncSync.Domain.Pausing;

namespace FuncSync.Domain.Tests.Pausing;

public sealed class ChannelPauseTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Covers_NoSkusNoPrefix_TheWholeShop()
    {
        var pause = new ChannelPause("p", [], null, ["Etsy"], "Maya", "holiday", At);

        Assert.True(pause.Covers("ANY-SKU", []));
    }

    [Fact]
    public void Covers_PrefixOrList_OnlyThoseSkus()
    {
        var pause = new ChannelPause("p", ["RING-7"], "NECK-", ["Etsy"], "Maya", "market day", At);

        Assert.True(pause.Covers("RING-7", []));
        Assert.True(pause.Covers("NECK-MOON-01", []));
        Assert.False(pause.Covers("RING-8", []));
    }

    [Fact]
    public void Covers_Tag_EverySkuCarryingItWhateverItsCase()
    {
        var pause = new ChannelPause("p", [], null, ["Etsy"], "Maya", "the spring drop waits for the shoot", At) { Tag = "Spring-drop" };

        Assert.False(pause.IsWholeShop);
        Assert.True(pause.Covers("VASE-1", ["blue", "spring-drop"]));
        Assert.False(pause.Covers("VASE-2", ["blue"]));
        Assert.False(pause.Covers("VASE-3", []));
        Assert.Equal(["Etsy"], ChannelPause.PausedChannels([pause], "VASE-1", ["SPRING-DROP"]));
        Assert.Empty(ChannelPause.PausedChannels([pause], "VASE-2", ["blue"]));
    }

    [Fact]
    public void Allocate_PausedChannel_ShowsZeroInBothZones()
    {
        IReadOnlyList<ChannelRule<string>> rules = [new("Shopify", 0, ChannelBuffer.None), new("Etsy", 1, ChannelBuffer.None, Paused: true)];

        Assert.Equal([5, 0], ChannelAllocation.Allocate(5, rules, threshold: 0));
        Assert.Equal([2, 0], ChannelAllocation.Allocate(2, rules, threshold: int.MaxValue));
    }

    [Fact]
    public void Allocate_FirstPriorityPausedInProtectedZone_UnitGoesToTheOtherChannel()
    {
        IReadOnlyList<ChannelRule<string>> rules = [new("Shopify", 0, ChannelBuffer.None, Paused: true), new("Etsy", 1, ChannelBuffer.None)];

        Assert.Equal([0, 1], ChannelAllocation.Allocate(1, rules, threshold: int.MaxValue));
    }
}

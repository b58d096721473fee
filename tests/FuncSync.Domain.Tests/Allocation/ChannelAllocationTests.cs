using FuncSync.Domain.Allocation;

namespace FuncSync.Domain.Tests.Allocation;

public sealed class ChannelAllocationTests
{
    private static readonly ChannelRule<string>[] ThreeChannels =
    [
        new("Shopify", 0, ChannelBuffer.None),
        new("Etsy", 1, ChannelBuffer.None),
        new("eBay", 2, ChannelBuffer.None),
    ];

    [Theory]
    [InlineData(5, 5)]
    [InlineData(1, 1)]
    [InlineData(0, 0)]
    [InlineData(-2, 0)]
    public void QuantityToShow_NeverNegative(int available, int shown)
    {
        Assert.Equal(shown, ChannelAllocation.QuantityToShow(available));
    }

    [Fact]
    public void Allocate_PlainWithoutBuffers_EveryChannelShowsAvailable()
    {
        Assert.Equal([3, 3, 3], ChannelAllocation.Allocate(3, ThreeChannels, AllocationPolicy.Plain.EffectiveThreshold()));
    }

    [Theory]
    [InlineData(10, 20, 0, null, 8)]
    [InlineData(9, 10, 0, null, 8)]
    [InlineData(1, 10, 0, null, 0)]
    [InlineData(10, 0, 3, null, 7)]
    [InlineData(10, 0, 0, 4, 4)]
    [InlineData(0, 0, 0, null, 0)]
    [InlineData(-3, 0, 0, null, 0)]
    public void Shared_Buffer_RoundsTowardShowingLess(int available, int percent, int minimumHeld, int? maximumShown, int shown)
    {
        Assert.Equal(shown, new ChannelBuffer(percent, minimumHeld, maximumShown).Shared(available));
    }

    [Theory]
    [InlineData(1, new[] { 1, 0, 0 })]
    [InlineData(2, new[] { 1, 1, 0 })]
    [InlineData(5, new[] { 2, 2, 1 })]
    public void Allocate_StrictFewUnits_UnitsGoOneByOneInPriorityOrder(int available, int[] shown)
    {
        Assert.Equal(shown, ChannelAllocation.Allocate(available, ThreeChannels, AllocationPolicy.Strict.EffectiveThreshold()));
    }

    [Fact]
    public void Allocate_PriorityOrderedNotListOrdered_LastUnitGoesToFirstPriority()
    {
        ChannelRule<string>[] rules = [new("Etsy", 5, ChannelBuffer.None), new("Shopify", 1, ChannelBuffer.None)];

        Assert.Equal([0, 1], ChannelAllocation.Allocate(1, rules, int.MaxValue));
    }

    [Theory]
    [InlineData(4, new[] { 4, 4, 4 })]
    [InlineData(3, new[] { 1, 1, 1 })]
    public void Allocate_ProtectedThreshold3_SharedAbovePartitionedAtOrBelow(int available, int[] shown)
    {
        var threshold = new AllocationPolicy(AllocationMode.Protected, 3).EffectiveThreshold();

        Assert.Equal(shown, ChannelAllocation.Allocate(available, ThreeChannels, threshold));
    }

    [Theory]
    [InlineData(null, 7, 7)]
    [InlineData(2, 7, 2)]
    [InlineData(null, null, 0)]
    public void EffectiveThreshold_Protected_SellerThresholdWinsOverDerived(int? seller, int? derived, int expected)
    {
        Assert.Equal(expected, new AllocationPolicy(AllocationMode.Protected, seller).EffectiveThreshold(derived));
    }

    [Fact]
    public void TargetFor_OtherChannelStillShowsOldShare_RiseWaitsForItsDecrease()
    {
        // A fell from 3 to 2 after a sale on eBay: Shopify's 2 must come down before eBay may rise.
        var shownNow = new Dictionary<string, int?> { ["Shopify"] = 2, ["Etsy"] = 1, ["eBay"] = 0 };

        var ebay = ChannelAllocation.TargetFor("eBay", 2, ThreeChannels, int.MaxValue, c => shownNow[c]);
        var shopify = ChannelAllocation.TargetFor("Shopify", 2, ThreeChannels, int.MaxValue, c => shownNow[c]);

        Assert.Equal(0, ebay);
        Assert.Equal(1, shopify);
    }

    [Fact]
    public void Allocate_ProtectedZoneAnyInput_SumShownAtMostAvailable()
    {
        var random = new Random(20260401);
        for (var run = 0; run < 20_000; run++)
        {
            var rules = RandomRules(random);
            var available = random.Next(-5, 60);
            var threshold = random.Next(0, 60);
            var shown = ChannelAllocation.Allocate(available, rules, threshold);

            Assert.All(shown, s => Assert.InRange(s, 0, Math.Max(0, available)));
            if (ChannelAllocation.IsProtected(available, threshold))
            {
                Assert.True(shown.Sum() <= Math.Max(0, available), $"run {run}: A={available}, T={threshold}, shown {string.Join(",", shown)}");
            }
            else
            {
                Assert.Equal(rules.Select(r => r.Buffer.Shared(available)), shown);
            }
        }
    }

    [Fact]
    public void TargetFor_AnyLastShown_NoChannelExceedsItsShareAndTheSumStaysWithinAvailable()
    {
        var random = new Random(7);
        for (var run = 0; run < 20_000; run++)
        {
            var rules = RandomRules(random);
            var available = random.Next(0, 30);
            var lastShown = rules.ToDictionary(r => r.Channel, _ => random.Next(4) == 0 ? (int?)null : random.Next(0, 30));
            var shares = ChannelAllocation.Allocate(available, rules, int.MaxValue);

            // Each channel, moved to its target while every other still shows what it last showed
            // (or its share, if higher), keeps the total within A, or shows nothing.
            for (var i = 0; i < rules.Length; i++)
            {
                var target = ChannelAllocation.TargetFor(rules[i].Channel, available, rules, int.MaxValue, c => lastShown[c]);
                var others = rules.Where((_, j) => j != i).Sum(r => Math.Max(lastShown[r.Channel] ?? 0, shares[Array.IndexOf(rules, r)]));

                Assert.InRange(target, 0, shares[i]);
                Assert.True(target == 0 || target + others <= available, $"run {run}: A={available}, channel {i} target {target}, others {others}");
            }
        }
    }

    private static ChannelRule<int>[] RandomRules(Random random) =>
        Enumerable.Range(0, random.Next(1, 6))
            .Select(i => new ChannelRule<int>(
                i,
                random.Next(0, 4),
                new ChannelBuffer(random.Next(3) == 0 ? random.Next(0, 101) : 0, random.Next(3) == 0 ? random.Next(0, 4) : 0, random.Next(4) == 0 ? random.Next(0, 10) : null)))
            .ToArray();
}

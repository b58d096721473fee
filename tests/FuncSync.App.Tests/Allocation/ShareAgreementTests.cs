using FuncSync.Allocation;
using FuncSync.Channels;
using FuncSync.Domain;
using FuncSync.Domain.Allocation;

namespace FuncSync.App.Tests.Allocation;

/// <summary>Reconciliation expects what the push writes: for every channel module, over ledger states, buffers,
/// caps, thresholds and pauses, the share <see cref="SkuAllocation"/> gives reconciliation equals the push's settled
/// target, and no channel is given more than it can show.</summary>
public sealed class ShareAgreementTests
{
    private static readonly int[] Availables = [-3, 0, 1, 2, 3, 5, 10, 998, 999, 1000, 1001, 1998, 2500, 10_000];
    private static readonly int[] Thresholds = [0, 3, 12, 3000, int.MaxValue];

    public static TheoryData<Channel> Modules()
    {
        var data = new TheoryData<Channel>();
        foreach (var module in ChannelModules.All)
        {
            data.Add(module.Channel);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Modules))]
    public void Shares_EveryLedgerStateBufferCapAndPause_EqualThePushsSettledTarget(Channel channel)
    {
        var channels = ChannelModules.All.Select(m => m.Channel).ToList();
        var checkedCases = 0;
        foreach (var options in Settings(channel))
        {
            foreach (var paused in new IReadOnlySet<string>?[] { null, new HashSet<string> { channel.ToString() }, new HashSet<string>(channels.Where(c => c != channel).Select(c => c.ToString())) })
            {
                var rules = options.RulesFor(channels, paused);
                foreach (var threshold in Thresholds)
                {
                    var allocation = new SkuAllocation(rules, new AllocationThreshold(threshold, ThresholdSource.Seller));
                    foreach (var available in Availables)
                    {
                        var expected = allocation.Shares(available)[channel];

                        // Settled: every channel shows its share, every sale seen.
                        var decision = PushRule.Decide(channel, expected, available, rules, threshold, _ => null, _ => 0);

                        Assert.Equal(expected, decision.Share);
                        Assert.Equal(expected, decision.Target);
                        Assert.Equal(PushAction.Keep, decision.Action);
                        Assert.InRange(expected, 0, ChannelModules.Of(channel).Capabilities.MaxQuantity);
                        checkedCases++;
                    }
                }
            }
        }

        Assert.True(checkedCases > 500);
    }

    [Fact]
    public void Shares_StrictModeBeyondEtsysLargestQuantity_TheRestGoesToTheOtherChannels()
    {
        var rules = new AllocationOptions().RulesFor([Channel.Shopify, Channel.Etsy]);
        var allocation = new SkuAllocation(rules, new AllocationThreshold(int.MaxValue, ThresholdSource.Seller));

        var shares = allocation.Shares(2000);

        Assert.Equal(999, shares[Channel.Etsy]);
        Assert.Equal(1001, shares[Channel.Shopify]);
    }

    private static IEnumerable<AllocationOptions> Settings(Channel channel)
    {
        yield return new AllocationOptions();
        yield return new AllocationOptions { Channels = { [channel] = new ChannelAllocationOptions { BufferPercent = 10, MinimumHeld = 1 } } };
        yield return new AllocationOptions { Channels = { [channel] = new ChannelAllocationOptions { MaximumShown = 5 } } };
        yield return new AllocationOptions { Channels = { [channel] = new ChannelAllocationOptions { MaximumShown = 5000, Priority = 1 } } };
        yield return new AllocationOptions { Channels = { [channel] = new ChannelAllocationOptions { Priority = 99, BufferPercent = 50 } } };
    }
}

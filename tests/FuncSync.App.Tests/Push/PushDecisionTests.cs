using FuncSync.Domain;
using FuncSync.Push;

namespace FuncSync.App.Tests.Push;

public sealed class PushDecisionTests
{
    [Fact]
    public void Decide_ChannelAlreadyShowsTarget_InSync()
    {
        Assert.Equal(PushStatus.InSync, PushChannelFunction.Decide(current: 3, target: 3, last: Last(shown: 5)));
    }

    [Fact]
    public void Decide_Decrease_WrittenAtOnceEvenIfChannelMoved()
    {
        Assert.Equal(PushStatus.Written, PushChannelFunction.Decide(current: 3, target: 1, last: Last(shown: 5)));
    }

    [Fact]
    public void Decide_IncreaseWhileChannelUnchangedSinceLastSeen_Written()
    {
        Assert.Equal(PushStatus.Written, PushChannelFunction.Decide(current: 1, target: 4, last: Last(shown: 1)));
    }

    [Fact]
    public void Decide_IncreaseAfterChannelMovedUnseen_Deferred()
    {
        // The channel went 2 -> 1 without FuncSync knowing why: probably a sale still on its way.
        Assert.Equal(PushStatus.Deferred, PushChannelFunction.Decide(current: 1, target: 2, last: Last(shown: 2)));
    }

    [Fact]
    public void Decide_ChannelShowsWhatThisPushWroteBeforeARace_IncreaseWritten()
    {
        // A racing push recorded 5; this push's own older write of 3 landed last. Not a sale: fix it.
        Assert.Equal(PushStatus.Written, PushChannelFunction.Decide(current: 3, target: 5, last: Last(shown: 5), ownWrite: 3));
    }

    [Fact]
    public void Decide_FirstPushOfAListing_Written()
    {
        Assert.Equal(PushStatus.Written, PushChannelFunction.Decide(current: 0, target: 2, last: null));
    }

    private static PushRecord Last(int shown) =>
        new("SKU", Channel.Etsy, shown, shown, PushStatus.Written, 1, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
}

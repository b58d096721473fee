using FuncSync.Domain.Allocation;

namespace FuncSync.Domain.Tests.Allocation;

public sealed class PushRuleTests
{
    private static readonly ChannelRule<string>[] TwoChannels =
    [
        new("Shopify", 0, ChannelBuffer.None),
        new("Etsy", 1, ChannelBuffer.None),
    ];

    private static readonly int Strict = AllocationPolicy.Strict.EffectiveThreshold();

    [Fact]
    public void Decide_ChannelSoldUnitsLedgerHasNotSeen_IncreaseDeferredAndUnitsOffEveryShare()
    {
        // Etsy was written 2 against 0 sales seen, now shows 1: it sold one the ledger has not applied.
        var views = new Dictionary<string, ChannelView?> { ["Shopify"] = new(1, 0), ["Etsy"] = new(2, 0) };

        var decision = PushRule.Decide("Etsy", current: 1, available: 6, TwoChannels, Strict, c => views[c], _ => 0);

        Assert.Equal(1, decision.UnseenHere);
        Assert.Equal(5, decision.Left);
        Assert.Equal(2, decision.Target);
        Assert.Equal(PushAction.Defer, decision.Action);
    }

    [Fact]
    public void Decide_InSyncRecordOfLowerCount_RaisedOnlyOnceTheLedgerAppliedTheUnseenSale()
    {
        // The lower count was recorded with its unseen sale; the next push must not raise it back.
        var etsy = new ChannelView(1, 0, Unseen: 1);
        var views = new Dictionary<string, ChannelView?> { ["Shopify"] = new(0, 0), ["Etsy"] = etsy };

        var before = PushRule.Decide("Etsy", current: 1, available: 5, TwoChannels, Strict, c => views[c], _ => 0);
        var afterSeen = PushRule.Decide("Etsy", current: 1, available: 4, TwoChannels, Strict, c => views[c], c => c == "Etsy" ? 1 : 0);

        Assert.Equal(PushAction.Defer, before.Action);
        Assert.Equal(4, before.Left);
        Assert.Equal(0, afterSeen.UnseenHere);
        Assert.Equal(PushAction.Write, afterSeen.Action);
        Assert.Equal(2, afterSeen.Target);
    }

    [Fact]
    public void Decide_OtherChannelsUnseenSale_ComesOffTheMasterQuantity()
    {
        // Shopify's record says it showed 1 with one sale the ledger has not applied: of A=3 only 2 are left.
        var views = new Dictionary<string, ChannelView?> { ["Shopify"] = new(1, 0, Unseen: 1), ["Etsy"] = new(0, 0) };

        var decision = PushRule.Decide("Etsy", current: 0, available: 3, TwoChannels, Strict, c => views[c], _ => 0);

        Assert.Equal(2, decision.Left);
        Assert.Equal(1, decision.Target);
        Assert.Equal(PushAction.Write, decision.Action);
    }

    [Fact]
    public void Decide_OtherChannelsRiseReserved_CountedAsShown()
    {
        // Shopify announced a rise to 2 before writing it: Etsy may not take those units meanwhile.
        var views = new Dictionary<string, ChannelView?> { ["Shopify"] = new(0, 0, Reserved: 2), ["Etsy"] = new(0, 0) };
        var rules = new[] { new ChannelRule<string>("Shopify", 1, ChannelBuffer.None), new ChannelRule<string>("Etsy", 0, ChannelBuffer.None) };

        var decision = PushRule.Decide("Etsy", current: 0, available: 2, rules, Strict, c => views[c], _ => 0);

        Assert.Equal(1, decision.Share);
        Assert.Equal(0, decision.Target);
    }

    [Fact]
    public void Decide_Decrease_WrittenEvenWithUnseenSales()
    {
        var views = new Dictionary<string, ChannelView?> { ["Shopify"] = new(3, 0), ["Etsy"] = new(3, 0) };

        var decision = PushRule.Decide("Shopify", current: 2, available: 1, TwoChannels, Strict, c => views[c], _ => 0);

        Assert.Equal(PushAction.Write, decision.Action);
        Assert.Equal(0, decision.Target);
    }

    [Fact]
    public void Decide_ChannelRaisedOnItsOwnSide_NoUnseenSales()
    {
        // Shown 2, now 5 (a restock in the channel's admin, reported separately): nothing sold unseen.
        var views = new Dictionary<string, ChannelView?> { ["Shopify"] = new(2, 0), ["Etsy"] = null };

        var decision = PushRule.Decide("Shopify", current: 5, available: 5, TwoChannels, AllocationPolicy.Plain.EffectiveThreshold(), c => views[c], _ => 0);

        Assert.Equal(0, decision.UnseenHere);
        Assert.Equal(PushAction.Keep, decision.Action);
    }

    [Fact]
    public void UnseenNow_SalesAppliedSinceTheView_ComeOffUnseenFirst()
    {
        var view = new ChannelView(Shown: 1, SoldSeen: 4, Unseen: 2);

        Assert.Equal(2, view.UnseenNow(4));
        Assert.Equal(1, view.UnseenNow(5));
        Assert.Equal(0, view.UnseenNow(9));
    }
}

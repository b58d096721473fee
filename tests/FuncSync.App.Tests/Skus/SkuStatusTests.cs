using FuncSync.Catalog;
using FuncSync.Domain;
using FuncSync.Etsy;
using FuncSync.Ledger;
using FuncSync.Push;
using FuncSync.Shopify;
using FuncSync.Skus;

namespace FuncSync.App.Tests.Skus;

public sealed class SkuStatusTests
{
    private static readonly DateTimeOffset Changed = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly SkuMapping Both = new("MUG", "Mug", [new ShopifyListing(41, 43, 65), new EtsyListing(15, "MUG")]);

    private static PushRecord Record(Channel channel, int shown, int target, long version, PushStatus status = PushStatus.Written) =>
        new("MUG", channel, shown, target, status, version, Changed.AddMilliseconds(250), Changed.AddMilliseconds(250));

    [Fact]
    public void Compose_BothChannelsAtCurrentVersion_InSyncWithLag()
    {
        var status = SkuStatusFunction.Compose(Both, new SkuAvailability(4, 7, Changed), [Record(Channel.Shopify, 4, 4, 7), Record(Channel.Etsy, 4, 4, 7, PushStatus.InSync)], false);

        Assert.Equal(SyncState.InSync, status.State);
        Assert.All(status.Channels, c => Assert.Equal(250, c.LagMs));
    }

    [Fact]
    public void Compose_OneChannelBehindTheLedger_Pushing()
    {
        var status = SkuStatusFunction.Compose(Both, new SkuAvailability(3, 8, Changed), [Record(Channel.Shopify, 3, 3, 8), Record(Channel.Etsy, 4, 4, 7)], false);

        Assert.Equal(SyncState.Pushing, status.State);
        Assert.Null(status.Channels.Single(c => c.Channel == Channel.Etsy).LagMs);
    }

    [Fact]
    public void Compose_ChannelShowsMoreThanItsShare_Drift()
    {
        var status = SkuStatusFunction.Compose(Both, new SkuAvailability(1, 8, Changed), [Record(Channel.Shopify, 1, 1, 8), Record(Channel.Etsy, 2, 0, 8, PushStatus.InSync)], false);

        Assert.Equal(SyncState.Drift, status.State);
    }

    [Fact]
    public void Compose_ReconciliationFoundDrift_DriftEvenWhenRecordsAgree()
    {
        var status = SkuStatusFunction.Compose(Both, new SkuAvailability(4, 7, Changed), [Record(Channel.Shopify, 4, 4, 7), Record(Channel.Etsy, 4, 4, 7)], true);

        Assert.Equal(SyncState.Drift, status.State);
    }

    [Fact]
    public void Compose_NegativeAvailable_OversoldBeforeAnythingElse()
    {
        var status = SkuStatusFunction.Compose(Both, new SkuAvailability(-1, 9, Changed), [Record(Channel.Shopify, 0, 0, 8), Record(Channel.Etsy, 2, 0, 8)], false);

        Assert.Equal(SyncState.Oversold, status.State);
    }

    [Fact]
    public void Compose_NoListings_Unmapped()
    {
        var status = SkuStatusFunction.Compose(new SkuMapping("PART", "Part"), new SkuAvailability(5, 1, Changed), [], false);

        Assert.Equal(SyncState.Unmapped, status.State);
        Assert.Empty(status.Channels);
    }
}

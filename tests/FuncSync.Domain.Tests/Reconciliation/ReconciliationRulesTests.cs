using FuncSync.Domain.Reconciliation;

namespace FuncSync.Domain.Tests.Reconciliation;

public sealed class ReconciliationRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly ReconciliationRules Rules = new(1, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30));

    [Fact]
    public void Classify_SameQuantity_None() =>
        Assert.Equal(DiscrepancyKind.None, Rules.Classify(Seen(5, 5)));

    [Fact]
    public void Classify_DifferenceBelowThreshold_None() =>
        Assert.Equal(DiscrepancyKind.None, (Rules with { Threshold = 3 }).Classify(Seen(5, 3)));

    [Fact]
    public void Classify_MoreShownThanExpected_DriftWhateverThePoll() =>
        Assert.Equal(DiscrepancyKind.Drift, Rules.Classify(Seen(5, 9, channelChangedAt: Now.AddSeconds(-1), lastImport: Now.AddHours(-1))));

    [Fact]
    public void Classify_FewerShownChangedAfterLastPollBegan_PendingImport() =>
        Assert.Equal(DiscrepancyKind.PendingImport, Rules.Classify(Seen(5, 4, channelChangedAt: Now.AddMinutes(-1), lastImport: Now.AddMinutes(-2))));

    [Fact]
    public void Classify_FewerShownChangedJustBeforePollWhoseEventsMayNotHaveLanded_PendingImport() =>
        Assert.Equal(DiscrepancyKind.PendingImport, Rules.Classify(Seen(5, 4, channelChangedAt: Now.AddMinutes(-2).AddSeconds(-10), lastImport: Now.AddMinutes(-2))));

    [Fact]
    public void Classify_FewerShownChangedBeforeAPollThatHasRunSince_Drift() =>
        Assert.Equal(DiscrepancyKind.Drift, Rules.Classify(Seen(5, 4, channelChangedAt: Now.AddMinutes(-10), lastImport: Now.AddMinutes(-2))));

    [Fact]
    public void Classify_FewerShownNeverPolled_PendingImport() =>
        Assert.Equal(DiscrepancyKind.PendingImport, Rules.Classify(Seen(5, 4, channelChangedAt: Now.AddMinutes(-10), lastImport: null)));

    [Fact]
    public void Classify_FewerShownOnAChannelThatSaysNothingOfChanges_Drift() =>
        Assert.Equal(DiscrepancyKind.Drift, Rules.Classify(Seen(5, 4)));

    [Fact]
    public void Classify_PushBehindARecentLedgerChange_InFlight() =>
        Assert.Equal(DiscrepancyKind.InFlight, Rules.Classify(Seen(4, 5) with { PushBehindLedger = true, LedgerChangedAt = Now.AddSeconds(-20) }));

    [Fact]
    public void Classify_PushBehindALedgerChangeLongAgo_Drift() =>
        Assert.Equal(DiscrepancyKind.Drift, Rules.Classify(Seen(4, 5) with { PushBehindLedger = true, LedgerChangedAt = Now.AddHours(-1) }));

    [Fact]
    public void Compare_CatalogAgainstMap_UnmappedAndMissing()
    {
        var (unmapped, missing) = CatalogComparison.Compare(["a", "b", "c"], ["b", "c", "d"]);

        Assert.Equal(["a"], unmapped);
        Assert.Equal(["d"], missing);
    }

    private static ListingObservation Seen(int expected, int actual, DateTimeOffset? channelChangedAt = null, DateTimeOffset? lastImport = null) =>
        new(expected, actual, channelChangedAt, lastImport, Now.AddHours(-2), false, Now);
}

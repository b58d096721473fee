using FuncSync.Alerts;

namespace FuncSync.App.Tests.Alerts;

public sealed class AlertGuidanceTests
{
    public static TheoryData<AlertKind> Kinds => [.. Enum.GetValues<AlertKind>()];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void NextStep_EveryKind_SaysWhatToDo(AlertKind kind)
    {
        var step = AlertGuidance.NextStep(kind);

        Assert.False(string.IsNullOrWhiteSpace(step));
        Assert.NotEqual(AlertGuidance.NextStep((AlertKind)(-1)), step);
    }

    [Fact]
    public void NextStep_ProducerGaveOne_ItsOwnWins()
    {
        var raised = new AlertRaised(AlertKind.LowStock, "lowstock:CAND", "Candle has 2 left.", "CAND", DateTimeOffset.UnixEpoch, new AlertAdvice(null, "Reorder now."));

        Assert.Equal("Reorder now.", AlertGuidance.NextStep(raised));
    }

    [Fact]
    public void Raise_WithoutAdvice_StoredWithTheKindsNextStep()
    {
        var raised = new AlertRaised(AlertKind.UnmappedListing, "unmapped:x", "A sale of an unmapped listing.", null, DateTimeOffset.UnixEpoch);

        var opened = AlertLifecycle.Raise(null, raised, "id", TimeSpan.FromHours(1))!.State.View;

        Assert.Equal(AlertGuidance.NextStep(AlertKind.UnmappedListing), opened.NextStep);
    }
}

using FuncSync.Alerts;

namespace FuncSync.App.Tests.Alerts;

public sealed class AlertLifecycleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);

    [Fact]
    public void Raise_RepeatWithinWindow_CountedNotDelivered()
    {
        var first = AlertLifecycle.Raise(null, Raised(T0), "id", Window)!;
        var repeat = AlertLifecycle.Raise(first.State, Raised(T0.AddMinutes(59), "newer"), "id", Window)!;

        Assert.Equal(AlertLifecycle.Raised, first.Delivery);
        Assert.Null(repeat.Delivery);
        Assert.Equal(2, repeat.State.View.Count);
        Assert.Equal("newer", repeat.State.View.Message);
        Assert.Equal(T0, repeat.State.View.FirstRaisedAt);
        Assert.Equal(T0.AddMinutes(59), repeat.State.View.LastRaisedAt);
    }

    [Fact]
    public void Raise_RepeatAfterWindow_DeliveredAsReminder()
    {
        var first = AlertLifecycle.Raise(null, Raised(T0), "id", Window)!;
        var later = AlertLifecycle.Raise(first.State, Raised(T0.AddMinutes(61)), "id", Window)!;

        Assert.Equal(AlertLifecycle.Raised, later.Delivery);
        Assert.Equal(T0.AddMinutes(61), later.State.LastDeliveredAt);
    }

    [Fact]
    public void Raise_WhileAcknowledged_CountedSilentlyAndStaysAcknowledged()
    {
        var first = AlertLifecycle.Raise(null, Raised(T0), "id", Window)!;
        var acknowledged = AlertLifecycle.Acknowledge(first.State, T0.AddMinutes(1))!;
        var repeat = AlertLifecycle.Raise(acknowledged, Raised(T0.AddHours(5)), "id", Window)!;

        Assert.Null(repeat.Delivery);
        Assert.Equal(AlertStatus.Acknowledged, repeat.State.View.Status);
        Assert.Equal(T0.AddMinutes(1), repeat.State.View.AcknowledgedAt);
    }

    [Fact]
    public void Clear_OpenAlert_ResolvedAndDelivered()
    {
        var first = AlertLifecycle.Raise(null, Raised(T0), "id", Window)!;
        var cleared = AlertLifecycle.Clear(first.State, new AlertCleared(AlertKind.PushFailed, "k", T0.AddMinutes(5)))!;

        Assert.Equal(AlertStatus.Resolved, cleared.State.View.Status);
        Assert.Equal(T0.AddMinutes(5), cleared.State.View.ResolvedAt);
        Assert.Equal(AlertLifecycle.Resolved, cleared.Delivery);
    }

    [Fact]
    public void Clear_OlderThanTheLatestRaise_ChangesNothing()
    {
        var first = AlertLifecycle.Raise(null, Raised(T0.AddMinutes(10)), "id", Window)!;

        Assert.Null(AlertLifecycle.Clear(first.State, new AlertCleared(AlertKind.PushFailed, "k", T0)));
        Assert.Null(AlertLifecycle.Clear(null, new AlertCleared(AlertKind.PushFailed, "k", T0)));
    }

    [Fact]
    public void Raise_AfterResolve_ReopensWithAFreshCount()
    {
        var first = AlertLifecycle.Raise(null, Raised(T0), "id", Window)!;
        var acknowledged = AlertLifecycle.Acknowledge(first.State, T0.AddMinutes(1))!;
        var resolved = AlertLifecycle.Clear(acknowledged, new AlertCleared(AlertKind.PushFailed, "k", T0.AddMinutes(2)))!;
        var reopened = AlertLifecycle.Raise(resolved.State, Raised(T0.AddMinutes(3)), "id", Window)!;

        Assert.Equal(AlertStatus.Open, reopened.State.View.Status);
        Assert.Equal(1, reopened.State.View.Count);
        Assert.Null(reopened.State.View.AcknowledgedAt);
        Assert.Null(reopened.State.View.ResolvedAt);
        Assert.Equal(AlertLifecycle.Raised, reopened.Delivery);
        Assert.Null(AlertLifecycle.Raise(resolved.State, Raised(T0.AddMinutes(1)), "id", Window));
    }

    [Fact]
    public void Acknowledge_ResolvedOrAlreadyAcknowledged_Unchanged()
    {
        var first = AlertLifecycle.Raise(null, Raised(T0), "id", Window)!;
        var acknowledged = AlertLifecycle.Acknowledge(first.State, T0)!;
        var resolved = AlertLifecycle.Clear(first.State, new AlertCleared(AlertKind.PushFailed, "k", T0.AddMinutes(1)))!;

        Assert.Null(AlertLifecycle.Acknowledge(acknowledged, T0.AddMinutes(1)));
        Assert.Null(AlertLifecycle.Acknowledge(resolved.State, T0.AddMinutes(2)));
    }

    [Fact]
    public void IdFor_SameKindAndKey_StableAndUrlSafe()
    {
        var id = AlertStore.IdFor(AlertKind.PushFailed, "push:Etsy:RING/6?x#y");

        Assert.Equal(id, AlertStore.IdFor(AlertKind.PushFailed, "push:Etsy:RING/6?x#y"));
        Assert.NotEqual(id, AlertStore.IdFor(AlertKind.Oversell, "push:Etsy:RING/6?x#y"));
        Assert.Equal(22, id.Length);
        Assert.All(id, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'));
    }

    private static AlertRaised Raised(DateTimeOffset at, string message = "failed") => new(AlertKind.PushFailed, "k", message, "SKU", at);
}

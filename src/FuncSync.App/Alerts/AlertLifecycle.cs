namespace FuncSync.Alerts;

/// <summary>A stored alert and when it was last delivered to the sinks.</summary>
public sealed record AlertState(AlertView View, DateTimeOffset? LastDeliveredAt);

/// <summary>What a notice does to an alert: its next state, and whether the sinks hear about it.</summary>
/// <param name="Delivery"><c>raised</c> or <c>resolved</c> when the sinks are told; null when suppressed.</param>
public sealed record AlertTransition(AlertState State, string? Delivery);

/// <summary>The alert lifecycle, open → acknowledged → resolved, as pure rules. Resolution is automatic
/// (the producer clears the condition); a raise after resolution reopens. Repeats of one key within the
/// suppression window are counted and not re-delivered; an acknowledged alert is counted silently,
/// since someone is on it. Notices can arrive out of order: a clear older than the latest raise, or a
/// raise older than the resolution, changes nothing.</summary>
public static class AlertLifecycle
{
    public const string Raised = "raised";
    public const string Resolved = "resolved";

    public static AlertTransition? Raise(AlertState? current, AlertRaised raised, string id, TimeSpan suppressionWindow)
    {
        ArgumentNullException.ThrowIfNull(raised);
        if (current is null || current.View.Status == AlertStatus.Resolved)
        {
            if (current?.View.ResolvedAt is { } resolvedAt && raised.RaisedAt <= resolvedAt)
            {
                return null;
            }

            var opened = new AlertView(id, raised.Kind, raised.Key, raised.Sku, raised.Message, AlertStatus.Open, 1, raised.RaisedAt, raised.RaisedAt, null, null)
            {
                Channel = raised.Advice?.Channel,
                NextStep = AlertGuidance.NextStep(raised),
                Oversell = raised.Advice?.Oversell,
            };
            return new AlertTransition(new AlertState(opened, raised.RaisedAt), Raised);
        }

        var view = current.View;
        var latest = raised.RaisedAt >= view.LastRaisedAt;
        var updated = view with
        {
            Count = view.Count + 1,
            Message = latest ? raised.Message : view.Message,
            Sku = latest ? raised.Sku ?? view.Sku : view.Sku,
            Channel = latest ? raised.Advice?.Channel ?? view.Channel : view.Channel,
            NextStep = latest ? AlertGuidance.NextStep(raised) : view.NextStep,
            Oversell = latest ? raised.Advice?.Oversell ?? view.Oversell : view.Oversell,
            LastRaisedAt = latest ? raised.RaisedAt : view.LastRaisedAt,
        };
        var remind = view.Status == AlertStatus.Open
            && (current.LastDeliveredAt is not { } delivered || raised.RaisedAt - delivered >= suppressionWindow);
        return remind
            ? new AlertTransition(new AlertState(updated, raised.RaisedAt), Raised)
            : new AlertTransition(current with { View = updated }, null);
    }

    public static AlertTransition? Clear(AlertState? current, AlertCleared cleared)
    {
        ArgumentNullException.ThrowIfNull(cleared);
        if (current is null || current.View.Status == AlertStatus.Resolved || cleared.ClearedAt < current.View.LastRaisedAt)
        {
            return null;
        }

        return new AlertTransition(current with { View = current.View with { Status = AlertStatus.Resolved, ResolvedAt = cleared.ClearedAt } }, Resolved);
    }

    /// <summary>Acknowledging is idempotent, and a resolved alert stays resolved.</summary>
    public static AlertState? Acknowledge(AlertState current, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(current);
        return current.View.Status == AlertStatus.Open
            ? current with { View = current.View with { Status = AlertStatus.Acknowledged, AcknowledgedAt = now } }
            : null;
    }
}

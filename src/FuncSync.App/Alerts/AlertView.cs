namespace FuncSync.Alerts;

/// <summary>One alert as the API and the sinks show it: the dashboard builds against this shape.</summary>
/// <param name="Id">URL-safe, derived from kind and key, so a raise and its clear find the same alert.</param>
/// <param name="Status"><c>open</c>, <c>acknowledged</c> or <c>resolved</c>.</param>
/// <param name="Count">Times raised since it was last opened.</param>
/// <param name="Channel">The channel's display name, when the alert concerns one channel.</param>
/// <param name="NextStep">What the seller should do next; every alert has one.</param>
/// <param name="Oversell">An oversell's competing orders, the order to cancel and a message for its buyer.</param>
public sealed record AlertView(
    string Id,
    AlertKind Kind,
    string Key,
    string? Sku,
    string Message,
    string Status,
    int Count,
    DateTimeOffset FirstRaisedAt,
    DateTimeOffset LastRaisedAt,
    DateTimeOffset? AcknowledgedAt,
    DateTimeOffset? ResolvedAt,
    string? Channel = null,
    string NextStep = "",
    Domain.Oversells.OversellAdvice? Oversell = null);

public sealed record AlertList(IReadOnlyList<AlertView> Alerts);

public static class AlertStatus
{
    public const string Open = "open";
    public const string Acknowledged = "acknowledged";
    public const string Resolved = "resolved";

    /// <summary>Open first, then acknowledged, then resolved.</summary>
    public static int Rank(string status) => status switch
    {
        Open => 0,
        Acknowledged => 1,
        _ => 2,
    };
}

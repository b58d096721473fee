namespace FuncSync.Webhooks;

/// <summary>Which time a webhook's event gets. A channel's clock and headers are not trusted blindly: Shopify signs
/// only the body, so a header such as <c>X-Shopify-Triggered-At</c> can say anything, and a year-old or year-9999 time
/// would poison lag figures and per-item watermarks. A time is taken only within a window around the receipt.</summary>
public static class EventTimes
{
    /// <summary>Senders redeliver for up to two days (Shopify: 8 tries over 4 hours; older topics up to 48 hours).</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(2);

    /// <summary>The sender's clock may run a little ahead of ours.</summary>
    public static readonly TimeSpan MaxAhead = TimeSpan.FromMinutes(5);

    public static bool IsPlausible(DateTimeOffset at, DateTimeOffset receivedAt) =>
        at >= receivedAt - MaxAge && at <= receivedAt + MaxAhead;

    /// <summary>The first plausible candidate, else the receipt time itself.</summary>
    public static DateTimeOffset FirstPlausible(DateTimeOffset receivedAt, params ReadOnlySpan<DateTimeOffset?> candidates)
    {
        foreach (var candidate in candidates)
        {
            if (candidate is { } at && IsPlausible(at, receivedAt))
            {
                return at;
            }
        }

        return receivedAt;
    }
}

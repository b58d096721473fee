namespace FuncSync.Push;

/// <summary>How long a push the channel throttled waits before it asks again: the channel's <c>Retry-After</c> when it
/// sent one, otherwise exponential backoff from 1 s, capped so that a listing is written within seconds of the channel
/// taking requests again. Jitter spreads the listings throttled together, so they do not come back in one burst.</summary>
public static class ThrottleBackoff
{
    public static readonly TimeSpan First = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan Cap = TimeSpan.FromSeconds(15);

    /// <summary>A Retry-After beyond this is not believed: the push looks again then.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(1);

    /// <param name="throttled">Throttles of this push before this one (0 for the first).</param>
    /// <param name="retryAfter">The channel's Retry-After, if any.</param>
    /// <param name="jitter">A random number in [0, 1).</param>
    public static TimeSpan Delay(int throttled, TimeSpan? retryAfter, double jitter)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(throttled);
        if (jitter is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(jitter), jitter, "Jitter is in [0, 1).");
        }

        if (retryAfter is { } asked && asked > TimeSpan.Zero)
        {
            // Never earlier than asked; up to a fifth later.
            var wait = asked < MaxRetryAfter ? asked : MaxRetryAfter;
            return wait * (1 + (0.2 * jitter));
        }

        var backoff = throttled >= 4 ? Cap : TimeSpan.FromTicks(Math.Min(First.Ticks << throttled, Cap.Ticks));
        return backoff * (0.8 + (0.4 * jitter));
    }
}

using System.Threading.RateLimiting;

namespace FuncSync.Channels.Budgets;

/// <summary>One token bucket for every call of this instance to one channel, sized to the channel's per-second limit,
/// so polls and pushes share the budget instead of racing into 429s: the local gate. Across instances,
/// <see cref="SharedRequestBudget"/> divides the same limit. Registered keyed by channel.</summary>
public sealed class RequestBudget : IDisposable
{
    private RequestBudget(RateLimiter limiter) => Limiter = limiter;

    public RateLimiter Limiter { get; }

    /// <summary>Channels count requests per wall-clock second; a bucket that refills in small steps, at about 90% of
    /// the limit, never lands more than the limit in one of those seconds.</summary>
    public static RequestBudget Create(int queriesPerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(queriesPerSecond);
        var tokens = Math.Max(1, queriesPerSecond / 10);
        return new RequestBudget(new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = tokens,
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1.1 * tokens / queriesPerSecond),
            QueueLimit = 10_000,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        }));
    }

    public void Dispose() => Limiter.Dispose();
}

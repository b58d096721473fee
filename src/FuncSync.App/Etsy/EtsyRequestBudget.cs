using System.Threading.RateLimiting;

namespace FuncSync.Etsy;

/// <summary>One token bucket for every Etsy call of this instance, sized to Etsy's per-second limit,
/// so polls and pushes share the budget instead of racing into 429s: the local gate. Across instances,
/// <see cref="EtsySharedBudget"/> divides the same limit.</summary>
public sealed class EtsyRequestBudget : IDisposable
{
    private EtsyRequestBudget(RateLimiter limiter) => Limiter = limiter;

    public RateLimiter Limiter { get; }

    /// <summary>Etsy counts requests per wall-clock second; a bucket that refills in small steps, at
    /// about 90% of the limit, never lands more than the limit in one of those seconds.</summary>
    public static EtsyRequestBudget Create(EtsyOptions options)
    {
        var tokens = Math.Max(1, options.QueriesPerSecond / 10);
        return new EtsyRequestBudget(new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = tokens,
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1.1 * tokens / options.QueriesPerSecond),
            QueueLimit = 10_000,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        }));
    }

    public void Dispose() => Limiter.Dispose();
}

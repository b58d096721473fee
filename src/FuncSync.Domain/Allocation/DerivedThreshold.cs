namespace FuncSync.Domain.Allocation;

/// <summary>The low-stock threshold protected mode derives when the seller set none, from the risk of
/// an oversell. While every channel shows the last A units, an oversell needs more than A buyers within
/// one worst-case lag (the time a sale takes to reach every other channel). Buyers arrive as a Poisson
/// process at the SKU's recency-weighted rate, so the units oversold per lag window are (N − A)⁺ with
/// N ~ Poisson(μ), μ = rate × lag, and the units sold per window are μ. The threshold is the largest A
/// whose expected oversold units exceed <see cref="OversellTolerance"/> of the expected sold ones:
/// at or below it the units are partitioned (no unit can sell twice); above it, sharing stays within
/// the tolerance.</summary>
public static class DerivedThreshold
{
    // Far beyond any shelf; the loop below stops long before for any realistic rate.
    private const int MaxThreshold = 1_000_000;

    /// <param name="velocity">The SKU's sales, recency-weighted (<see cref="Velocity"/>).</param>
    /// <param name="worstLag">The longest time a sale on one of the SKU's channels takes to reach the others.</param>
    /// <returns>0 for a SKU that has not sold (nothing to derive a rate from: a drop is announced
    /// with a scheduled launch instead).</returns>
    public static int From(SalesVelocity velocity, TimeSpan worstLag, OversellTolerance tolerance)
    {
        ArgumentNullException.ThrowIfNull(velocity);
        ArgumentNullException.ThrowIfNull(tolerance);
        if (velocity.Sales == 0 || worstLag <= TimeSpan.Zero)
        {
            return 0;
        }

        var mu = tolerance.RateToTrust(velocity) * worstLag.TotalHours;
        return mu <= 0 ? 0 : LargestRiskyLevel(mu, tolerance.PerUnitSold);
    }

    /// <summary>Expected units oversold per lag window while every channel shows <paramref name="units"/>:
    /// E[(N − units)⁺] for N ~ Poisson(<paramref name="mu"/>).</summary>
    public static double ExpectedOversold(double mu, int units)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(mu);
        ArgumentOutOfRangeException.ThrowIfNegative(units);
        var excess = mu;
        var logPmf = -mu;
        var cdf = 0.0;
        var logMu = Math.Log(Math.Max(mu, double.Epsilon));
        for (var a = 0; a < units; a++)
        {
            // E[(N − a − 1)⁺] = E[(N − a)⁺] − P(N > a).
            cdf += Math.Exp(logPmf);
            excess -= Math.Max(0, 1 - cdf);
            logPmf += logMu - Math.Log(a + 1);
        }

        return Math.Max(0, excess);
    }

    /// <summary>The largest A with E[(N − A)⁺] &gt; ε·μ. E[(N − A)⁺] falls as A grows, so the walk
    /// up from A = 0 (always risky: E[N] = μ) stops at the first level within the tolerance.</summary>
    private static int LargestRiskyLevel(double mu, double epsilon)
    {
        var limit = epsilon * mu;
        var excess = mu;
        var logPmf = -mu;
        var cdf = 0.0;
        var logMu = Math.Log(mu);
        for (var a = 0; a < MaxThreshold; a++)
        {
            cdf += Math.Exp(logPmf);
            var next = excess - Math.Max(0, 1 - cdf);
            if (next <= limit)
            {
                return a;
            }

            excess = next;
            logPmf += logMu - Math.Log(a + 1);
        }

        return MaxThreshold;
    }

    /// <summary>A recency-weighted sales rate: each unit counts e^(-age/τ) with τ = halfLife / ln 2,
    /// and the weighted sum over τ is the rate (for a steady rate, exactly that rate). A burst an
    /// hour ago weighs half of one now with a one-hour half-life.</summary>
    /// <param name="sales">When units sold and how many; sales in the future count as now.</param>
    public static SalesVelocity Velocity(IEnumerable<(DateTimeOffset At, int Units)> sales, DateTimeOffset now, TimeSpan halfLife)
    {
        ArgumentNullException.ThrowIfNull(sales);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(halfLife, TimeSpan.Zero);
        var tauHours = halfLife.TotalHours / Math.Log(2);
        var weighted = 0.0;
        var count = 0;
        var units = 0;
        var oldest = now;
        foreach (var (at, sold) in sales)
        {
            if (sold <= 0)
            {
                continue;
            }

            var ageHours = Math.Max(0, (now - at).TotalHours);
            weighted += sold * Math.Exp(-ageHours / tauHours);
            count++;
            units += sold;
            oldest = at < oldest ? at : oldest;
        }

        return new SalesVelocity(weighted / tauHours, count) { Units = units, History = now - oldest };
    }
}

/// <summary>How fast a SKU sells.</summary>
/// <param name="UnitsPerHour">Recency-weighted units sold per hour.</param>
/// <param name="Sales">How many sales the estimate rests on; 0 when the SKU has not sold.</param>
public sealed record SalesVelocity(double UnitsPerHour, int Sales)
{
    public static SalesVelocity None { get; } = new(0, 0);

    /// <summary>The units those sales sold.</summary>
    public int Units { get; init; }

    /// <summary>How far back the oldest of those sales lies.</summary>
    public TimeSpan History { get; init; }
}

/// <summary>The seller's tolerance for oversells in the shared zone, and how much history a low rate
/// needs before it is believed.</summary>
/// <param name="PerUnitSold">Expected oversold units per unit sold: 0.001 is at most 1 in 1,000.</param>
/// <param name="TrustAfter">A weighted rate resting on less history than this is not trusted to be
/// low: the first sales of a drop look slow to a decaying average (one sale a minute ago weighs as
/// much as one sale an hour), so until then the rate is at least the units sold over the time they
/// took.</param>
/// <param name="RecheckEvery">A SKU whose last units a derived threshold partitioned is pushed again
/// this long after, with the threshold of that moment: the risk fades with the velocity, and the
/// partition must not outlive it until the next sale or receipt.</param>
public sealed record OversellTolerance(double PerUnitSold, TimeSpan TrustAfter, TimeSpan RecheckEvery)
{
    public static OversellTolerance Default { get; } = new(0.001, TimeSpan.FromHours(1), TimeSpan.FromMinutes(15));

    // The shortest span the sold-over-span rate divides by: one sale alone is not an infinite rate.
    private static readonly TimeSpan ShortestSpan = TimeSpan.FromMinutes(1);

    /// <summary>The rate the risk is computed with: the weighted rate, raised while the history is
    /// shorter than <see cref="TrustAfter"/> to the units sold over the span they sold in.</summary>
    public double RateToTrust(SalesVelocity velocity)
    {
        ArgumentNullException.ThrowIfNull(velocity);
        var weighted = Math.Max(0, velocity.UnitsPerHour);
        if (velocity.History >= TrustAfter || velocity.Units <= 0)
        {
            return weighted;
        }

        var span = velocity.History > ShortestSpan ? velocity.History : ShortestSpan;
        return Math.Max(weighted, velocity.Units / span.TotalHours);
    }

    /// <summary>Start-up check: a tolerance between 0 and 1 (both exclusive), no negative history, a positive re-check.</summary>
    public bool IsValid() => PerUnitSold is > 0 and < 1 && TrustAfter >= TimeSpan.Zero && RecheckEvery > TimeSpan.Zero;
}

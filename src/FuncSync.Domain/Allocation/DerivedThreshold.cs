namespace FuncSync.Domain.Allocation;

/// <summary>The low-stock threshold protected mode derives when the seller set none: the sales
/// expected within one worst-case channel lag. Below it, a sale can happen on one channel before
/// another has heard of the last one, so that is where units must be partitioned.</summary>
public static class DerivedThreshold
{
    /// <summary>Expected sales within <paramref name="worstLag"/>: <paramref name="velocity"/> x lag,
    /// rounded up; at least 1 when the SKU has sold at all, 0 when it has not.</summary>
    public static int From(SalesVelocity velocity, TimeSpan worstLag)
    {
        ArgumentNullException.ThrowIfNull(velocity);
        if (velocity.Sales == 0)
        {
            return 0;
        }

        var expected = Math.Ceiling(Math.Max(0, velocity.UnitsPerHour) * Math.Max(0, worstLag.TotalHours));
        return (int)Math.Clamp(expected, 1, int.MaxValue);
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
        foreach (var (at, units) in sales)
        {
            if (units <= 0)
            {
                continue;
            }

            var ageHours = Math.Max(0, (now - at).TotalHours);
            weighted += units * Math.Exp(-ageHours / tauHours);
            count++;
        }

        return new SalesVelocity(weighted / tauHours, count);
    }
}

/// <summary>How fast a SKU sells.</summary>
/// <param name="UnitsPerHour">Recency-weighted units sold per hour.</param>
/// <param name="Sales">How many sales the estimate rests on; 0 when the SKU has not sold.</param>
public sealed record SalesVelocity(double UnitsPerHour, int Sales)
{
    public static SalesVelocity None { get; } = new(0, 0);
}

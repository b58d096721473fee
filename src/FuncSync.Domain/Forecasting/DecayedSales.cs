namespace FuncSync.Domain.Forecasting;

/// <summary>How fast recent sales fade from the velocity: a unit sold one half-life ago counts half.</summary>
public sealed record SalesDecay(TimeSpan HalfLife)
{
    public static SalesDecay Default { get; } = new(TimeSpan.FromDays(14));

    /// <summary>The decay constant per day: ln 2 over the half-life.</summary>
    public double PerDay => Math.Log(2) / HalfLife.TotalDays;
}

/// <summary>A SKU's sales as one exponentially decayed sum, small enough to live on its stock row and
/// be updated in the ledger's own transaction: no history read, no extra round trip per sale.</summary>
/// <param name="Score">Units sold, each weighted by exp(-λ·age), as of <paramref name="At"/>.</param>
/// <param name="At">When <paramref name="Score"/> was last brought up to date.</param>
/// <param name="Since">The first sale seen: a short history must not look like a slow one.</param>
public readonly record struct DecayedSales(double Score, DateTimeOffset? At, DateTimeOffset? Since)
{
    /// <summary>Adds <paramref name="units"/> sold at <paramref name="when"/> (negative for a
    /// cancellation). An event older than the score counts with the weight its age gives it.</summary>
    public DecayedSales Record(int units, DateTimeOffset when, SalesDecay decay)
    {
        ArgumentNullException.ThrowIfNull(decay);
        if (units == 0)
        {
            return this;
        }

        var since = Since is { } first && first < when ? first : when;
        if (At is not { } at)
        {
            return new DecayedSales(Math.Max(0, units), when, since);
        }

        var score = when >= at
            ? (Score * Weight(when - at, decay)) + units
            : Score + (units * Weight(at - when, decay));
        return new DecayedSales(Math.Max(0, score), when >= at ? when : at, since);
    }

    /// <summary>Units a day, recency-weighted. A constant rate r gives a score of r/λ once the history
    /// is long, so the rate is λ·score; over a shorter history the weights add up to less, and dividing
    /// by their total (at least one day's worth) keeps a young SKU's rate honest.</summary>
    public double PerDay(DateTimeOffset now, SalesDecay decay)
    {
        ArgumentNullException.ThrowIfNull(decay);
        if (At is not { } at || Since is not { } since || Score <= 0)
        {
            return 0;
        }

        var lambda = decay.PerDay;
        var score = now > at ? Score * Weight(now - at, decay) : Score;
        var observedDays = Math.Max(1, (now - since).TotalDays);
        return lambda * score / (1 - Math.Exp(-lambda * observedDays));
    }

    private static double Weight(TimeSpan age, SalesDecay decay) => Math.Exp(-decay.PerDay * age.TotalDays);
}

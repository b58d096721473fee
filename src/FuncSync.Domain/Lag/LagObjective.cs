namespace FuncSync.Domain.Lag;

/// <summary>A channel's lag objective: the 95th percentile of its measured lag stays at or under <see cref="Target"/>.</summary>
public sealed record LagObjective(Channel Channel, TimeSpan Target)
{
    /// <returns>True: breached; false: met; null: nothing measured, nothing to say.</returns>
    public bool? IsBreached(LagHistogram window)
    {
        ArgumentNullException.ThrowIfNull(window);
        return window.PercentileMilliseconds(95) is { } p95 ? p95 > Target.TotalMilliseconds : null;
    }
}

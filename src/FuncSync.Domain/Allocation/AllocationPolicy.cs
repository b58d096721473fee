namespace FuncSync.Domain.Allocation;

/// <summary>A seller's allocation settings.</summary>
/// <param name="Threshold">The seller's low-stock threshold T for <see cref="AllocationMode.Protected"/>;
/// null lets a derived threshold (expected sales within one worst-case channel lag) decide.</param>
public sealed record AllocationPolicy(AllocationMode Mode, int? Threshold = null)
{
    public static AllocationPolicy Strict { get; } = new(AllocationMode.Strict);

    public static AllocationPolicy Plain { get; } = new(AllocationMode.Plain);

    /// <summary>Protected with no threshold of the seller's: the threshold comes from measurement.</summary>
    public bool UsesDerivedThreshold => Mode == AllocationMode.Protected && Threshold is null;

    /// <summary>The threshold in force: at or below it, units are partitioned.</summary>
    /// <param name="derivedThreshold">Expected sales of the SKU within the worst-case lag of its
    /// channels, from measured velocity and lag; null while nothing has been measured. Used by
    /// <see cref="AllocationMode.Protected"/> when the seller set no threshold.</param>
    public int EffectiveThreshold(int? derivedThreshold = null) => Mode switch
    {
        AllocationMode.Plain => 0,
        AllocationMode.Strict => int.MaxValue,
        _ => Math.Max(0, Threshold ?? derivedThreshold ?? 0),
    };
}

namespace FuncSync.Domain.Allocation;

/// <summary>How the allocation policy treats the last units of a SKU.</summary>
public enum AllocationMode
{
    /// <summary>The low-stock threshold is zero: every channel shows the master quantity minus its
    /// buffer, however few units are left. Oversells are bounded by nothing but sync speed.</summary>
    Plain,

    /// <summary>At or below the low-stock threshold the units are partitioned between channels. The
    /// threshold is the seller's, or derived from measured sales velocity and channel lag.</summary>
    Protected,

    /// <summary>Always partitioned: the sum of what all channels show never exceeds the master quantity.</summary>
    Strict,
}

using FuncSync.Catalog;

namespace FuncSync.Allocation;

/// <summary>The low-stock threshold derived from measurement: expected sales of a SKU within the
/// worst-case lag of its channels (sales velocity x lag). Protected mode uses it when the seller set
/// no threshold.</summary>
public interface IDerivedThreshold
{
    /// <returns>Null while there is nothing measured to derive it from.</returns>
    ValueTask<int?> ForAsync(SkuMapping mapping, CancellationToken cancellationToken);
}

/// <summary>Until lag and velocity are measured, nothing is derived: protected mode uses the seller's
/// threshold, or none.</summary>
public sealed class NoDerivedThreshold : IDerivedThreshold
{
    public ValueTask<int?> ForAsync(SkuMapping mapping, CancellationToken cancellationToken) => ValueTask.FromResult<int?>(null);
}

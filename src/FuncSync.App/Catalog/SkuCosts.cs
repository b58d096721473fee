using FuncSync.Domain.Costing;

namespace FuncSync.Catalog;

/// <summary>Every SKU's unit cost as the SKU map gives it: a plain SKU's own figure, a bundle's or made-to-order
/// piece's its components' costs plus its own extra (<see cref="UnitCost"/>).</summary>
public static class SkuCosts
{
    public static IReadOnlyDictionary<string, decimal?> Of(IReadOnlyCollection<SkuMapping> mappings)
    {
        ArgumentNullException.ThrowIfNull(mappings);
        var bySku = mappings.ToDictionary(m => m.Sku, StringComparer.Ordinal);
        (decimal?, IReadOnlyList<Domain.Ledger.Component>)? Lookup(string sku) =>
            bySku.TryGetValue(sku, out var part) ? (part.UnitCost, part.Parts) : null;
        return mappings.ToDictionary(m => m.Sku, m => UnitCost.Of(m.UnitCost, m.Parts, Lookup), StringComparer.Ordinal);
    }
}

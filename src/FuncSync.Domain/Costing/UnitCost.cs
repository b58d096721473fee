using FuncSync.Domain.Ledger;

namespace FuncSync.Domain.Costing;

/// <summary>What one unit of a SKU costs the seller to make or buy, in the shop's one currency.</summary>
public static class UnitCost
{
    /// <summary>The largest unit cost the SKU map takes: far above any maker's piece, low enough to be a typo guard.</summary>
    public const decimal Max = 1_000_000m;

    /// <summary>Parts of parts are followed this deep at most (the SKU map refuses cycles; this is a guard, not a rule).</summary>
    private const int MaxDepth = 8;

    /// <summary>The cost of one unit of a SKU. A SKU with stock of its own costs what its own figure says. A bundle or
    /// made-to-order piece costs its components' costs (each times the units one piece uses) plus its own figure, which
    /// for a composed SKU is the extra of putting it together (labour, packaging); null when any component has no
    /// cost, since a total that silently leaves a part out would overstate the margin.</summary>
    /// <param name="own">The SKU's own <c>unit_cost</c>.</param>
    /// <param name="parts">Its components, empty for a SKU with stock of its own.</param>
    /// <param name="costOf">The cost of a component, worked out the same way.</param>
    public static decimal? Of(decimal? own, IReadOnlyList<Component> parts, Func<string, (decimal? Own, IReadOnlyList<Component> Parts)?> costOf) =>
        Of(own, parts, costOf, 0);

    private static decimal? Of(decimal? own, IReadOnlyList<Component> parts, Func<string, (decimal? Own, IReadOnlyList<Component> Parts)?> costOf, int depth)
    {
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentNullException.ThrowIfNull(costOf);
        if (parts.Count == 0)
        {
            return own;
        }

        if (depth >= MaxDepth)
        {
            return null;
        }

        var total = own ?? 0m;
        foreach (var part in parts)
        {
            if (costOf(part.Sku) is not { } found || Of(found.Own, found.Parts, costOf, depth + 1) is not { } cost)
            {
                return null;
            }

            total += cost * part.PerUnit;
        }

        return total;
    }
}

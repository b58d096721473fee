namespace FuncSync.Domain.Ledger;

/// <summary>One part of a composed SKU: a bundle's component, or a made-to-order listing's material.</summary>
/// <param name="PerUnit">How many of the part one unit of the composed SKU uses.</param>
public sealed record Component(string Sku, int PerUnit);

/// <summary>Bundles, kits and made-to-order listings hold no stock of their own: they are made of
/// parts, and what can be sold is derived from the parts, never stored.</summary>
public static class Composition
{
    /// <summary>min over parts of floor(part available / per unit). Floors towards minus infinity, so
    /// an oversold part makes the composed SKU negative too.</summary>
    public static int Available(IReadOnlyList<Component> components, Func<string, int> availableOf)
    {
        if (components.Count == 0)
        {
            throw new ArgumentException("A composed SKU has at least one component.", nameof(components));
        }

        return components.Min(c => (int)Math.Floor((double)availableOf(c.Sku) / c.PerUnit));
    }

    /// <summary>The units of each part that <paramref name="quantity"/> units of the composed SKU use.
    /// A part listed twice is summed, so one stock row is moved once.</summary>
    public static IReadOnlyList<(string Sku, int Units)> Consumption(IReadOnlyList<Component> components, int quantity) =>
        components.GroupBy(c => c.Sku, StringComparer.Ordinal)
            .Select(g => (g.Key, checked(g.Sum(c => c.PerUnit) * quantity)))
            .ToList();

    /// <summary>Checks a definition: positive per-unit figures, and no part that is the SKU itself.</summary>
    public static void Validate(string sku, IReadOnlyList<Component> components)
    {
        foreach (var component in components)
        {
            if (component.PerUnit <= 0)
            {
                throw new StockRuleException($"{sku}: component {component.Sku} must be used at least once per unit.");
            }

            if (string.Equals(component.Sku, sku, StringComparison.Ordinal))
            {
                throw new StockRuleException($"{sku} cannot be a component of itself.");
            }
        }
    }
}

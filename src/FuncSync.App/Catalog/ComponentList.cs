using System.Globalization;
using FuncSync.Domain.Ledger;

namespace FuncSync.Catalog;

/// <summary>A composed SKU's parts as one spreadsheet cell: <c>CHAIN-40:1;PENDANT-MOON:2</c>.</summary>
public static class ComponentList
{
    public static IReadOnlyList<Component> Parse(string text)
    {
        var components = new List<Component>();
        foreach (var part in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var separator = part.LastIndexOf(':');
            var sku = separator < 0 ? part : part[..separator].Trim();
            var perUnit = 1;
            if (separator >= 0 && !int.TryParse(part[(separator + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out perUnit))
            {
                throw new FormatException($"'{part}' is not SKU:quantity (e.g. CHAIN-40:1).");
            }

            if (sku.Length == 0 || perUnit <= 0)
            {
                throw new FormatException($"'{part}' needs a SKU and a quantity of at least 1.");
            }

            components.Add(new Component(sku, perUnit));
        }

        return components;
    }

    public static string Format(IEnumerable<Component> components) =>
        string.Join(';', components.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Sku}:{c.PerUnit}")));
}

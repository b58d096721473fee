using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace FuncSync.Catalog;

/// <summary>The SKU map as sellers keep it in a spreadsheet: one row per SKU, a column group per
/// channel, an optional starting quantity.</summary>
public static class SkuMapCsv
{
    public static IReadOnlyList<SkuMapRow> Read(TextReader reader)
    {
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            PrepareHeaderForMatch = args => args.Header.Trim().ToLowerInvariant(),
            TrimOptions = TrimOptions.Trim,
        };
        using var csv = new CsvReader(reader, configuration);
        var rows = new List<SkuMapRow>();
        csv.Read();
        csv.ReadHeader();
        while (csv.Read())
        {
            var line = csv.Parser.Row;
            var sku = csv.GetField("sku");
            if (string.IsNullOrWhiteSpace(sku))
            {
                throw new FormatException($"Row {line}: the sku column is empty.");
            }

            var variant = Long(csv, "shopify_variant_id", line);
            var shopify = variant is { } v
                ? new ShopifyListing(v, Long(csv, "shopify_inventory_item_id", line) ?? throw Missing("shopify_inventory_item_id", line), Long(csv, "shopify_location_id", line) ?? throw Missing("shopify_location_id", line), Long(csv, "shopify_product_id", line))
                : null;
            var etsy = Long(csv, "etsy_listing_id", line) is { } listing
                ? new EtsyListing(listing, Optional(csv, "etsy_sku") ?? string.Empty)
                : null;
            var quantity = Long(csv, "quantity", line);
            if (quantity is < 0 or > int.MaxValue)
            {
                throw new FormatException($"Row {line}: quantity must be zero or more.");
            }

            IReadOnlyList<Domain.Ledger.Component>? components = null;
            if (Optional(csv, "components") is { } parts)
            {
                try
                {
                    components = ComponentList.Parse(parts);
                    Domain.Ledger.Composition.Validate(sku, components);
                }
                catch (Exception ex) when (ex is FormatException or Domain.Ledger.StockRuleException)
                {
                    throw new FormatException($"Row {line}: components: {ex.Message}", ex);
                }

                if (quantity is not null)
                {
                    throw new FormatException($"Row {line}: {sku} is made of components, so its quantity is derived; leave quantity empty.");
                }
            }

            var leadTime = Long(csv, "lead_time_days", line);
            var lowStock = Long(csv, "low_stock", line);
            if (leadTime is < 0 or > 3650 || lowStock is < 0 or > int.MaxValue)
            {
                throw new FormatException($"Row {line}: lead_time_days (up to 3650) and low_stock must be zero or more.");
            }

            var mapping = new SkuMapping(sku, Optional(csv, "title") ?? string.Empty, shopify, etsy, components)
            {
                LeadTimeDays = (int?)leadTime,
                LowStock = (int?)lowStock,
            };
            rows.Add(new SkuMapRow(mapping, (int?)quantity));
        }

        return rows;
    }

    private static string? Optional(CsvReader csv, string column) =>
        csv.TryGetField<string>(column, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;

    private static long? Long(CsvReader csv, string column, int line)
    {
        var text = Optional(csv, column);
        if (text is null)
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"Row {line}: {column} '{text}' is not a whole number.");
    }

    private static FormatException Missing(string column, int line) => new($"Row {line}: {column} is required when shopify_variant_id is set.");
}

/// <param name="Quantity">The starting quantity, when the seller gives one.</param>
public sealed record SkuMapRow(SkuMapping Mapping, int? Quantity);

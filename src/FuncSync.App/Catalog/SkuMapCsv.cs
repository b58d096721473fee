using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using FuncSync.Channels;
using FuncSync.Domain.Ledger;

namespace FuncSync.Catalog;

/// <summary>The SKU map as sellers keep it in a spreadsheet: one row per SKU, a column group per
/// channel, an optional starting quantity. Extra columns (a price, notes) are left alone.</summary>
public static class SkuMapCsv
{
    public const string Sku = "sku";
    public const string Title = "title";
    public const string Quantity = "quantity";
    public const string Components = "components";
    public const string LeadTimeDays = "lead_time_days";
    public const string LowStock = "low_stock";
    public const string MadeToOrder = "made_to_order";
    public const string Tags = "tags";
    public const string UnitCost = "unit_cost";

    /// <summary>The columns in the order an export writes them: each channel's listing fields come from its schema,
    /// so a file written before channels were modules reads the same.</summary>
    public static readonly IReadOnlyList<string> Columns =
        [Sku, Title, Quantity, .. ChannelModules.Schemas.SelectMany(s => s.Fields).Select(f => f.Column), Components, LeadTimeDays, LowStock, MadeToOrder, Tags, UnitCost];

    /// <summary>Reads a whole file, stopping at nothing: every bad row is reported.</summary>
    public static SkuMapParse Parse(TextReader reader)
    {
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            PrepareHeaderForMatch = args => args.Header.Trim().ToLowerInvariant(),
            TrimOptions = TrimOptions.Trim,
        };
        using var csv = new CsvReader(reader, configuration);
        var rows = new List<SkuMapRow>();
        var errors = new List<SkuMapError>();
        try
        {
            if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is not { } header || !header.Any(h => h.Trim().Equals(Sku, StringComparison.OrdinalIgnoreCase)))
            {
                return new SkuMapParse([], [new SkuMapError(1, Sku, "The first row must be the header, with at least a sku column.")]);
            }

            while (csv.Read())
            {
                var line = csv.Parser.Row;
                if (SkuMapRowReader.Read(column => csv.TryGetField<string>(column, out var value) ? value : null, line, errors) is { } row)
                {
                    rows.Add(row);
                }
            }
        }
        catch (CsvHelperException ex)
        {
            // A broken quote makes the rest of the file unreadable: report where it happened.
            errors.Add(new SkuMapError(csv.Parser.Row, null, $"The file is not valid CSV here: {ex.GetType().Name.Replace("Exception", string.Empty, StringComparison.Ordinal)}."));
        }

        CheckUnique(rows, errors);
        return new SkuMapParse(rows, errors.OrderBy(e => e.Line).ToList());
    }

    /// <summary>Reads a file whose every row must be good (the demo's own catalog).</summary>
    public static IReadOnlyList<SkuMapRow> Read(TextReader reader)
    {
        var parsed = Parse(reader);
        return parsed.Errors.Count == 0 ? parsed.Rows : throw new FormatException(parsed.Errors[0].ToString());
    }

    /// <summary>Writes the map with <see cref="Columns"/>. The quantity column is left empty: importing an
    /// export again must never set stock back to what it was when the file was written.</summary>
    public static void Write(TextWriter writer, IEnumerable<SkuMapping> mappings)
    {
        using var csv = new CsvWriter(writer, CultureInfo.InvariantCulture, leaveOpen: true);
        foreach (var column in Columns)
        {
            csv.WriteField(column);
        }

        csv.NextRecord();
        foreach (var mapping in mappings)
        {
            foreach (var value in SkuMapRowReader.Fields(mapping))
            {
                csv.WriteField(value);
            }

            csv.NextRecord();
        }
    }

    // A SKU twice, or one listing under two SKUs, would leave the map depending on row order.
    private static void CheckUnique(List<SkuMapRow> rows, List<SkuMapError> errors)
    {
        var skus = new HashSet<string>(StringComparer.Ordinal);
        var listings = new Dictionary<Ledger.ListingRef, string>();
        var bad = new List<SkuMapRow>();
        foreach (var row in rows)
        {
            if (!skus.Add(row.Mapping.Sku))
            {
                errors.Add(new SkuMapError(row.Line, Sku, $"{row.Mapping.Sku} appears on an earlier row too."));
                bad.Add(row);
                continue;
            }

            foreach (var listing in row.Mapping.Listings)
            {
                if (!listings.TryAdd(listing, row.Mapping.Sku))
                {
                    var column = ChannelModules.Of(listing.Channel).Listing.Key.Column;
                    errors.Add(new SkuMapError(row.Line, column, $"{listing.Channel} listing {listing.Key} is already mapped to {listings[listing]} on an earlier row."));
                    bad.Add(row);
                }
            }
        }

        rows.RemoveAll(bad.Contains);
    }
}

/// <summary>One SKU map row, from a CSV line or from the fields of an edit, checked the same way.</summary>
public static class SkuMapRowReader
{
    /// <param name="field">A column's text, or null when the column is absent or empty.</param>
    /// <returns>The row, or null when it is bad; then its errors are in <paramref name="errors"/>.</returns>
    public static SkuMapRow? Read(Func<string, string?> field, int line, List<SkuMapError> errors)
    {
        var before = errors.Count;
        string? Text(string column) => field(column) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
        void Error(string? column, string message) => errors.Add(new SkuMapError(line, column, message));
        long? Number(string column)
        {
            if (Text(column) is not { } text)
            {
                return null;
            }

            if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }

            Error(column, $"{column} '{text}' is not a whole number.");
            return null;
        }

        var sku = Text(SkuMapCsv.Sku);
        if (sku is null)
        {
            Error(SkuMapCsv.Sku, "the sku column is empty.");
        }
        else if (sku.Length > 200)
        {
            Error(SkuMapCsv.Sku, "the sku is longer than 200 characters.");
        }
        else if (sku.Any(c => char.IsControl(c) || char.IsSurrogate(c) || c is '\u2028' or '\u2029'))
        {
            // A SKU is printed on labels, in logs and in CSV files: no line breaks, escape codes or broken characters.
            Error(SkuMapCsv.Sku, "the sku holds a control character or a broken one; use printable characters only.");
        }

        var listings = new List<ChannelListing>();
        foreach (var schema in ChannelModules.Schemas)
        {
            var unparsed = errors.Count;
            var values = schema.Parse(f => Text(f.Column), (f, message) => Error(f.Column, message));
            if (errors.Count == unparsed && schema.Read(values, (f, message) => Error(f.Column, message)) is { } listing)
            {
                listings.Add(listing);
            }
        }

        var quantity = Number(SkuMapCsv.Quantity);
        if (quantity is < 0 or > StockRules.MaxQuantityPerEvent)
        {
            Error(SkuMapCsv.Quantity, $"quantity must be between 0 and {StockRules.MaxQuantityPerEvent}.");
        }

        IReadOnlyList<Component>? components = null;
        if (Text(SkuMapCsv.Components) is { } parts)
        {
            try
            {
                components = ComponentList.Parse(parts);
                Composition.Validate(sku ?? string.Empty, components);
            }
            catch (Exception ex) when (ex is FormatException or StockRuleException)
            {
                Error(SkuMapCsv.Components, $"components: {ex.Message}");
            }

            if (quantity is not null)
            {
                Error(SkuMapCsv.Quantity, $"{sku} is made of components, so its quantity is derived; leave quantity empty.");
            }
        }

        var leadTime = Number(SkuMapCsv.LeadTimeDays);
        if (leadTime is < 0 or > 3650)
        {
            Error(SkuMapCsv.LeadTimeDays, "lead_time_days must be between 0 and 3650.");
        }

        var lowStock = Number(SkuMapCsv.LowStock);
        if (lowStock is < 0 or > int.MaxValue)
        {
            Error(SkuMapCsv.LowStock, "low_stock must be zero or more.");
        }

        var madeToOrder = Number(SkuMapCsv.MadeToOrder);
        if (madeToOrder is < 0 or > StockRules.MaxQuantityPerEvent)
        {
            Error(SkuMapCsv.MadeToOrder, $"made_to_order is the quantity every channel shows, between 0 and {StockRules.MaxQuantityPerEvent}.");
        }
        else if (madeToOrder is not null && quantity is not null && components is null)
        {
            Error(SkuMapCsv.Quantity, $"{sku} is made to order, so it has no stock to count; leave quantity empty.");
        }

        var tags = SkuTags.Parse(Text(SkuMapCsv.Tags));
        if (SkuTags.Problem(tags) is { } tagProblem)
        {
            Error(SkuMapCsv.Tags, tagProblem);
        }

        decimal? unitCost = null;
        if (Text(SkuMapCsv.UnitCost) is { } costText)
        {
            // A plain decimal with a point, in the shop's one currency: "12,50" or "$12.50" would be read wrongly somewhere.
            if (decimal.TryParse(costText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var cost) && cost <= Domain.Costing.UnitCost.Max)
            {
                unitCost = cost;
            }
            else
            {
                Error(SkuMapCsv.UnitCost, $"unit_cost '{costText}' must be a number such as 12.50 (a point for decimals, no currency sign), from 0 to {Domain.Costing.UnitCost.Max.ToString(CultureInfo.InvariantCulture)}.");
            }
        }

        return errors.Count > before
            ? null
            : new SkuMapRow(new SkuMapping(sku!, Text(SkuMapCsv.Title) ?? string.Empty, listings, components) { LeadTimeDays = (int?)leadTime, LowStock = (int?)lowStock, MadeToOrder = (int?)madeToOrder, Tags = tags, UnitCost = unitCost }, (int?)quantity) { Line = line };
    }

    /// <summary>A mapping's values in <see cref="SkuMapCsv.Columns"/> order (quantity empty).</summary>
    public static IEnumerable<string> Fields(SkuMapping mapping)
    {
        static string Id(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? string.Empty;
        yield return mapping.Sku;
        yield return mapping.Title;
        yield return string.Empty;
        foreach (var schema in ChannelModules.Schemas)
        {
            var values = mapping.On(schema.Channel)?.Values();
            foreach (var field in schema.Fields)
            {
                yield return values?.GetValueOrDefault(field.Name) switch
                {
                    long number => Id(number),
                    string text => text,
                    _ => string.Empty,
                };
            }
        }

        yield return mapping.IsComposed ? ComponentList.Format(mapping.Parts) : string.Empty;
        yield return Id(mapping.LeadTimeDays);
        yield return Id(mapping.LowStock);
        yield return Id(mapping.MadeToOrder);
        yield return SkuTags.Format(mapping.Tags);
        yield return mapping.UnitCost?.ToString(CultureInfo.InvariantCulture) ?? string.Empty;
    }
}

/// <param name="Quantity">The starting quantity, when the seller gives one.</param>
public sealed record SkuMapRow(SkuMapping Mapping, int? Quantity)
{
    /// <summary>Where the row was in its file (the header is line 1).</summary>
    public int Line { get; init; }
}

/// <summary>What is wrong with one row: its line (header = 1), the column when one is to blame, and why.</summary>
public sealed record SkuMapError(int Line, string? Column, string Message)
{
    public override string ToString() => $"Row {Line}: {Message}";
}

public sealed record SkuMapParse(IReadOnlyList<SkuMapRow> Rows, IReadOnlyList<SkuMapError> Errors);

using System.Globalization;
using FuncSync.Domain;

namespace FuncSync.Channels;

/// <summary>The fields that identify a listing on one channel, and how they become that channel's listing record.
/// The SKU map's table row, the CSV columns, the JSON API and the dashboard's mapping editor all come from it.</summary>
public abstract class ListingSchema(Channel channel, ListingField key, IReadOnlyList<ListingField> fields)
{
    public Channel Channel { get; } = channel;

    /// <summary>In the order the CSV and the editor show them.</summary>
    public IReadOnlyList<ListingField> Fields { get; } = fields;

    /// <summary>The field whose presence puts the SKU on the channel (its reverse row is keyed by it).</summary>
    public ListingField Key { get; } = key;

    /// <summary>The listing from its fields' values (numbers already parsed), or null when the SKU is not on this
    /// channel (its key field is empty) or a value is missing; a missing one is reported through <paramref name="report"/>.</summary>
    public ChannelListing? Read(IReadOnlyDictionary<string, object> values, Action<ListingField, string> report) =>
        values.ContainsKey(Key.Name) ? Create(values, report) : null;

    protected abstract ChannelListing? Create(IReadOnlyDictionary<string, object> values, Action<ListingField, string> report);

    /// <summary>Every field but the key, when the key is set and it is not: "x is required when y is set".</summary>
    protected bool Require(IReadOnlyDictionary<string, object> values, Action<ListingField, string> report, params ListingField[] required)
    {
        var missing = required.Where(f => !values.ContainsKey(f.Name)).ToList();
        foreach (var field in missing)
        {
            report(field, $"{field.Column} is required when {Key.Column} is set.");
        }

        return missing.Count == 0;
    }

    protected static long Number(IReadOnlyDictionary<string, object> values, ListingField field) => (long)values[field.Name];

    protected static long? OptionalNumber(IReadOnlyDictionary<string, object> values, ListingField field) =>
        values.TryGetValue(field.Name, out var value) ? (long)value : null;

    protected static string Text(IReadOnlyDictionary<string, object> values, ListingField field) =>
        values.TryGetValue(field.Name, out var value) ? (string)value : string.Empty;

    /// <summary>Reads every field from text (a CSV cell, an edit's JSON value), reporting what does not parse.</summary>
    public Dictionary<string, object> Parse(Func<ListingField, string?> text, Action<ListingField, string> report)
    {
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var field in Fields)
        {
            if (text(field) is not { } value || string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            value = value.Trim();
            if (field.Type == ListingFieldType.Text)
            {
                values[field.Name] = value;
            }
            else if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
            {
                values[field.Name] = number;
            }
            else
            {
                report(field, $"{field.Column} '{value}' is not a whole number.");
            }
        }

        return values;
    }
}

/// <param name="Name">The JSON property (camelCase) in the mappings API and the editor.</param>
/// <param name="Column">The CSV column (snake_case), e.g. <c>shopify_variant_id</c>.</param>
/// <param name="Property">The SKU map row's table property, e.g. <c>ShopifyVariantId</c>.</param>
/// <param name="Label">What the dashboard's editor calls it.</param>
public sealed record ListingField(string Name, string Column, string Property, string Label, ListingFieldType Type);

public enum ListingFieldType
{
    /// <summary>A whole number (channels' numeric ids), stored as Int64.</summary>
    Number,

    Text,
}

using System.Text.Json;
using FuncSync.Domain.Ledger;
using FuncSync.Webhooks;

namespace FuncSync.Skus;

/// <summary>Reads and checks the small JSON bodies of the admin endpoints, with one clear sentence
/// for whatever is wrong, before anything is written.</summary>
public static class AdminRequests
{
    /// <summary>An admin body is a handful of fields; anything bigger is a mistake.</summary>
    public const int MaxBodyBytes = 16 * 1024;

    /// <summary>Reasons an adjustment may give; "received" is new stock.</summary>
    public static readonly IReadOnlyList<string> AdjustmentReasons = ["damaged", "lost", "found", "gift", "sample", "received", "correction", "other"];

    public static async Task<(JsonElement Body, string? Error)> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return (default, $"The body is larger than {MaxBodyBytes} bytes.");
        }

        var bytes = await RawBody.ReadAsync(request, cancellationToken);
        if (bytes is null || bytes.Length > MaxBodyBytes)
        {
            return (default, $"The body is larger than {MaxBodyBytes} bytes.");
        }

        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            // Caught here: the JSON reader would accept it and fail later, reading a string, with a 500.
            return (default, "The body is not valid UTF-8.");
        }

        try
        {
            using var document = JsonDocument.Parse(bytes);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? (document.RootElement.Clone(), null)
                : (default, "The body must be a JSON object.");
        }
        catch (JsonException ex)
        {
            return (default, $"The body is not valid JSON: {ex.Message}");
        }
    }

    /// <summary>An optional whole-number query parameter; the error when it is present but not a number.</summary>
    public static string? QueryInt(HttpRequest request, string name, out int? value)
    {
        value = null;
        var text = request.Query[name].ToString();
        if (text.Length == 0)
        {
            return null;
        }

        if (!int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
        {
            return $"{name} must be a whole number.";
        }

        value = parsed;
        return null;
    }

    public static (int Value, string? Error) Quantity(JsonElement body, string field, int min, int max)
    {
        if (!body.TryGetProperty(field, out var value))
        {
            return (0, $"{field} is required.");
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
        {
            return (0, $"{field} must be a whole number; got {value.GetRawText()}.");
        }

        return number < min || number > max
            ? (0, $"{field} must be between {min} and {max}; got {number}.")
            : (number, null);
    }

    public static (string? Value, string? Error) Text(JsonElement body, string field, IReadOnlyList<string>? allowed = null, bool required = false, int maxLength = 500)
    {
        if (!body.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return required ? (null, $"{field} is required.") : (null, null);
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            return (null, $"{field} must be a string.");
        }

        var text = value.GetString()!.Trim();
        if (text.Length > maxLength)
        {
            return (null, $"{field} is longer than {maxLength} characters.");
        }

        return allowed is not null && !allowed.Contains(text, StringComparer.OrdinalIgnoreCase)
            ? (null, $"{field} must be one of {string.Join(", ", allowed)}; got {text}.")
            : (allowed is null ? text : text.ToLowerInvariant(), null);
    }

    public static InventoryEventKind KindForAdjustment(string reason) =>
        reason == "received" ? InventoryEventKind.Receipt : InventoryEventKind.Adjustment;

    public static int Max => StockRules.MaxQuantityPerEvent;
}

using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace FuncSync.Simulators.Etsy;

internal enum EtsyParamType
{
    Integer,
    Boolean,
    String,
}

/// <summary>One query parameter as Etsy's OpenAPI document declares it.</summary>
/// <param name="List">A comma-separated list of values (Etsy's arrays in the query, e.g. getListing's includes).</param>
internal sealed record EtsyParam(
    string Name, EtsyParamType Type, long Min = long.MinValue, long Max = long.MaxValue, IReadOnlyList<string>? Enum = null, bool Required = false, bool List = false);

/// <summary>How an operation's request body is sent (<c>requestBody.content</c>).</summary>
internal enum EtsyBody
{
    None,
    Json,
    Form,
}

/// <summary>An operation of Etsy Open API v3 that the simulator serves: its query parameters and body encoding, from
/// Etsy's OpenAPI document (3.0.0.json). The simulator refuses what the document does not allow with Etsy's 400
/// <c>{"error": "..."}</c>, and is stricter than Etsy in one respect: a parameter the operation does not declare is
/// refused rather than ignored, so a misspelt filter fails a test instead of silently filtering nothing.</summary>
internal sealed record EtsyOperation(string OperationId, IReadOnlyList<EtsyParam> Query, EtsyBody Body = EtsyBody.None)
{
    /// <summary>Etsy's lower bound for every timestamp filter (2000-01-01).</summary>
    public const long MinTimestamp = 946684800;

    private static readonly EtsyParam Legacy = new("legacy", EtsyParamType.Boolean);

    public static readonly EtsyOperation GetShopReceipts = new("getShopReceipts",
    [
        new("min_created", EtsyParamType.Integer, MinTimestamp),
        new("max_created", EtsyParamType.Integer, MinTimestamp),
        new("min_last_modified", EtsyParamType.Integer, MinTimestamp),
        new("max_last_modified", EtsyParamType.Integer, MinTimestamp),
        new("limit", EtsyParamType.Integer, 1, 100),
        new("offset", EtsyParamType.Integer, 0),
        new("sort_on", EtsyParamType.String, Enum: ["created", "updated", "receipt_id"]),
        new("sort_order", EtsyParamType.String, Enum: ["asc", "ascending", "desc", "descending", "up", "down"]),
        new("was_paid", EtsyParamType.Boolean),
        new("was_shipped", EtsyParamType.Boolean),
        new("was_delivered", EtsyParamType.Boolean),
        new("was_canceled", EtsyParamType.Boolean),
        Legacy,
    ]);

    public static readonly EtsyOperation GetShopReceipt = new("getShopReceipt", [Legacy]);

    public static readonly EtsyOperation GetListing = new("getListing",
    [
        new("includes", EtsyParamType.String, Enum: ["Shipping", "Images", "Shop", "User", "Translations", "Inventory", "Videos"], List: true),
        new("language", EtsyParamType.String),
        new("allow_suggested_title", EtsyParamType.Boolean),
        Legacy,
    ]);

    public static readonly EtsyOperation GetListingInventory = new("getListingInventory",
    [
        new("show_deleted", EtsyParamType.Boolean),
        new("includes", EtsyParamType.String, Enum: ["Listing"]),
        Legacy,
    ]);

    public static readonly EtsyOperation UpdateListingInventory = new("updateListingInventory",
    [
        Legacy,
        new("max_variations_supported", EtsyParamType.String, Enum: ["2", "3"]),
    ], EtsyBody.Json);

    /// <summary>updateListing's body is <c>application/x-www-form-urlencoded</c>; <c>state</c> takes active or inactive.</summary>
    public static readonly EtsyOperation UpdateListing = new("updateListing", [Legacy], EtsyBody.Form);

    /// <summary>Checks the query string and the body's content type; throws Etsy's 400 on the first violation.</summary>
    public void Validate(HttpRequest request)
    {
        foreach (var (name, values) in request.Query)
        {
            var param = Query.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.Ordinal))
                ?? throw EtsyApiException.BadRequest($"{OperationId} does not take a query parameter '{name}'.");
            if (values.Count != 1)
            {
                throw EtsyApiException.BadRequest($"Expected a single value for {name}.");
            }

            foreach (var value in param.List ? values.ToString().Split(',') : [values.ToString()])
            {
                Check(param, value);
            }
        }

        foreach (var required in Query.Where(p => p.Required && !request.Query.ContainsKey(p.Name)))
        {
            throw EtsyApiException.BadRequest($"{required.Name} is required.");
        }

        var contentType = request.ContentType ?? string.Empty;
        switch (Body)
        {
            case EtsyBody.Json when !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase):
                throw EtsyApiException.BadRequest($"{OperationId} takes an application/json body (got '{contentType}').");
            case EtsyBody.Form when !request.HasFormContentType:
                throw EtsyApiException.BadRequest($"{OperationId} takes an application/x-www-form-urlencoded body (got '{contentType}').");
            case EtsyBody.None when request.ContentLength > 0:
                throw EtsyApiException.BadRequest($"{OperationId} takes no request body.");
        }
    }

    private static void Check(EtsyParam param, string raw)
    {
        switch (param.Type)
        {
            case EtsyParamType.Integer:
                if (!long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < param.Min || value > param.Max)
                {
                    var range = param.Max < long.MaxValue
                        ? string.Create(CultureInfo.InvariantCulture, $">= {param.Min} and <= {param.Max}")
                        : string.Create(CultureInfo.InvariantCulture, $">= {param.Min}");
                    throw EtsyApiException.BadRequest($"Expected int {range} for {param.Name} (got '{raw}')");
                }

                break;
            case EtsyParamType.Boolean:
                // Etsy's boolean query parameters take true/false (and 1/0, as PHP-style parsers do).
                if (raw is not ("true" or "false" or "1" or "0"))
                {
                    throw EtsyApiException.BadRequest($"Expected boolean for {param.Name} (got '{raw}')");
                }

                break;
            case EtsyParamType.String:
                if (param.Enum is { } allowed && !allowed.Contains(raw, StringComparer.Ordinal))
                {
                    throw EtsyApiException.BadRequest($"{param.Name} must be one of {string.Join(", ", allowed)} (got '{raw}')");
                }

                break;
        }
    }
}

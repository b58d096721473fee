using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace FuncSync.Simulators.Etsy;

/// <summary>getListingsByShop's query: <c>state</c> (default active), <c>limit</c> 1–100 (default 25), <c>offset</c>, and
/// <c>includes</c> (comma-separated associations; the simulator serves Inventory).</summary>
internal sealed record EtsyListingQuery(string State, int Limit, int Offset, bool IncludeInventory)
{
    private static readonly string[] States = ["active", "inactive", "sold_out", "draft", "expired"];

    public static EtsyListingQuery Parse(IQueryCollection query)
    {
        var state = query["state"].ToString() is { Length: > 0 } s ? s : "active";
        if (!States.Contains(state, StringComparer.Ordinal))
        {
            throw EtsyApiException.BadRequest($"state must be one of: {string.Join(", ", States)} (got '{state}')");
        }

        var includes = query["includes"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new EtsyListingQuery(state, Int(query, "limit", 1, 100) ?? 25, Int(query, "offset", 0, int.MaxValue) ?? 0, includes.Contains("Inventory", StringComparer.Ordinal));
    }

    private static int? Int(IQueryCollection query, string name, int min, int max)
    {
        var raw = query[name].ToString();
        if (raw.Length == 0)
        {
            return null;
        }

        return int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw EtsyApiException.BadRequest($"Expected int >= {min} and <= {max} for {name} (got '{raw}')");
    }
}

using System.Globalization;

namespace FuncSync.Simulators.Shopify;

/// <summary>Shopify global ids: <c>gid://shopify/{Type}/{id}</c>.</summary>
internal static class ShopifyGid
{
    public static string Format(string type, long id) => $"gid://shopify/{type}/{id.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Reads the numeric id of a gid of the given type; a malformed gid is a request-level error, as in Shopify.</summary>
    public static long Parse(string? gid, string type, string variable)
    {
        var prefix = $"gid://shopify/{type}/";
        if (gid is not null && gid.StartsWith(prefix, StringComparison.Ordinal))
        {
            var rest = gid.AsSpan(prefix.Length);
            var query = rest.IndexOf('?');
            if (query >= 0)
            {
                rest = rest[..query];
            }

            if (long.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return id;
            }
        }

        throw new ShopifyGraphQlException($"Invalid global id '{gid}' for ${variable}", "INVALID_VARIABLE");
    }
}

using System.Text.Json.Nodes;

namespace FuncSync.Shopify;

public sealed partial class ShopifyInventory
{
    /// <summary>Runs a read query whose requested cost the caller computed, under the same cost budget and
    /// THROTTLED handling as the push's own calls.</summary>
    internal Task<JsonNode> QueryAsync(string query, JsonObject variables, double requestedCost, CancellationToken cancellationToken) =>
        api.SendAsync(OperationName(query), query, variables, (int)Math.Ceiling(requestedCost), cancellationToken);

    private static string OperationName(string query)
    {
        var words = query.Split([' ', '(', '{'], 3, StringSplitOptions.RemoveEmptyEntries);
        return words.Length >= 2 && words[0] is "query" or "mutation" ? words[1] : "Query";
    }
}

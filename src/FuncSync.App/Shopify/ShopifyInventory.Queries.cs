using System.Text.Json.Nodes;

namespace FuncSync.Shopify;

public sealed partial class ShopifyInventory
{
    /// <summary>Runs a read query whose requested cost the caller computed, under the same cost budget and
    /// THROTTLED handling as the push's own calls.</summary>
    internal Task<JsonNode> QueryAsync(string query, JsonObject variables, double requestedCost, CancellationToken cancellationToken) =>
        SendAsync(query, variables, requestedCost, cancellationToken);
}

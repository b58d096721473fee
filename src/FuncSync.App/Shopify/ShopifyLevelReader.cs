using System.Globalization;
using System.Text.Json.Nodes;
using FuncSync.Catalog;
using FuncSync.Domain;
using FuncSync.Reconciliation;

namespace FuncSync.Shopify;

/// <summary>Reconciliation's read of Shopify: the "available" quantity of many inventory items at a location with one
/// <c>nodes(ids:)</c> query per batch. Shopify prices it at two objects per id (the item and its level), so a batch
/// of 100 costs 200 points, a fifth of the standard plan's bucket; the cost budget spaces the batches.</summary>
public sealed class ShopifyLevelReader(ShopifyInventory shopify) : IChannelQuantityReader
{
    public const int BatchSize = 100;

    private const string Query =
        "query Levels($ids: [ID!]!, $locationId: ID!) { nodes(ids: $ids) { ... on InventoryItem { id inventoryLevel(locationId: $locationId) { quantities(names: [\"available\"]) { name quantity } } } } }";

    public Channel Channel => Channel.Shopify;

    public async Task<ChannelQuantities> ReadAsync(IReadOnlyList<SkuMapping> mappings, CancellationToken cancellationToken)
    {
        var shown = new Dictionary<string, ShownQuantity>(StringComparer.Ordinal);
        var requests = 0;
        foreach (var location in mappings.Where(m => m.Shopify is not null).GroupBy(m => m.Shopify!.LocationId))
        {
            foreach (var batch in location.Chunk(BatchSize))
            {
                var ids = new JsonArray([.. batch.Select(m => (JsonNode)Gid("InventoryItem", m.Shopify!.InventoryItemId))]);
                var variables = new JsonObject { ["ids"] = ids, ["locationId"] = Gid("Location", location.Key) };
                var data = await shopify.QueryAsync(Query, variables, 2.0 * batch.Length, cancellationToken);
                requests++;
                var nodes = data["nodes"]?.AsArray() ?? [];
                for (var i = 0; i < batch.Length && i < nodes.Count; i++)
                {
                    // A null node is an item Shopify no longer has; a null level, an item not stocked there.
                    var quantity = nodes[i]?["inventoryLevel"]?["quantities"]?.AsArray()
                        .FirstOrDefault(q => (string?)q?["name"] == "available")?["quantity"];
                    if (quantity is not null)
                    {
                        shown[batch[i].Sku] = new ShownQuantity(quantity.GetValue<int>(), null);
                    }
                }
            }
        }

        return new ChannelQuantities(shown, requests);
    }

    private static string Gid(string type, long id) => string.Create(CultureInfo.InvariantCulture, $"gid://shopify/{type}/{id}");
}

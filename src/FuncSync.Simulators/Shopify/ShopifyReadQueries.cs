using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace FuncSync.Simulators.Shopify;

/// <summary>The two bulk reads reconciliation and the mapping audit make: <c>nodes(ids:)</c> over inventory items with
/// their level at one location, and <c>productVariants(first:, after:)</c> with Relay cursor pagination. Like the rest of
/// the endpoint it is not a GraphQL engine: it recognises the root field and reads its arguments from variables.</summary>
internal abstract partial class ShopifyReadQueries
{
    /// <summary>Shopify caps every input array, <c>ids</c> included, at 250 items, and a connection's page at 250 nodes.</summary>
    public const int MaxItems = 250;

    public static ShopifyReadQueries? Recognise(string query) =>
        NodesField().IsMatch(query) ? new InventoryNodes()
        : ProductVariantsField().IsMatch(query) ? new VariantPage()
        : null;

    /// <summary>The root field, for the simulator's operation counts.</summary>
    public abstract string Name { get; }

    public abstract int RequestedCost(string query, JsonObject variables);

    public abstract JsonObject Execute(string query, JsonObject variables, ShopifyInventoryStore store);

    protected static JsonNode? Variable(Match match, JsonObject variables, string group = "var") =>
        match.Groups[group].Success ? variables[match.Groups[group].Value] : null;

    protected static int IntArgument(Match match, JsonObject variables)
    {
        if (match.Groups["lit"].Success)
        {
            return int.Parse(match.Groups["lit"].Value, CultureInfo.InvariantCulture);
        }

        return Variable(match, variables) is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var value)
            ? value
            : throw new ShopifyGraphQlException($"Variable ${match.Groups["var"].Value} of type Int! was provided invalid value", "INVALID_VARIABLE");
    }

    [GeneratedRegex("""\bnodes\s*\(\s*ids\s*:\s*\$(?<var>\w+)""")]
    private static partial Regex NodesField();

    [GeneratedRegex("""\bproductVariants\s*\(\s*first\s*:\s*(?:\$(?<var>\w+)|(?<lit>\d+))(?:\s*,\s*after\s*:\s*\$(?<after>\w+))?""")]
    private static partial Regex ProductVariantsField();

    [GeneratedRegex("""\binventoryLevel\s*\(\s*locationId\s*:\s*\$(?<var>\w+)""")]
    private static partial Regex InventoryLevelField();

    /// <summary><c>nodes(ids: $ids) { ... on InventoryItem { id inventoryLevel(locationId: $loc) { quantities(names: ["available"]) { name quantity } } } }</c>:
    /// one node (or null) per id, in the order asked. Two objects per id: the item and its level.</summary>
    private sealed class InventoryNodes : ShopifyReadQueries
    {
        public override string Name => "nodes";

        public override int RequestedCost(string query, JsonObject variables) => 2 * Ids(query, variables).Count;

        public override JsonObject Execute(string query, JsonObject variables, ShopifyInventoryStore store)
        {
            var ids = Ids(query, variables);
            var levelMatch = InventoryLevelField().Match(query);
            var locationId = levelMatch.Success
                ? ShopifyGid.Parse((string?)Variable(levelMatch, variables), "Location", levelMatch.Groups["var"].Value)
                : 0;
            var nodes = new JsonArray();
            foreach (var gid in ids)
            {
                // An id of another type, or an item that no longer exists, is a null node, not an error.
                if (!gid.StartsWith("gid://shopify/InventoryItem/", StringComparison.Ordinal))
                {
                    nodes.Add(null);
                    continue;
                }

                var itemId = ShopifyGid.Parse(gid, "InventoryItem", "ids");
                var (exists, available) = store.Read(itemId, locationId);
                if (!exists)
                {
                    nodes.Add(null);
                    continue;
                }

                var node = new JsonObject { ["id"] = gid };
                if (levelMatch.Success)
                {
                    node["inventoryLevel"] = available is not { } quantity ? null : new JsonObject
                    {
                        ["id"] = $"{ShopifyGid.Format("InventoryLevel", locationId)}?inventory_item_id={itemId.ToString(CultureInfo.InvariantCulture)}",
                        ["quantities"] = new JsonArray(new JsonObject { ["name"] = "available", ["quantity"] = quantity }),
                    };
                }

                nodes.Add(node);
            }

            return new JsonObject { ["nodes"] = nodes };
        }

        private static List<string> Ids(string query, JsonObject variables)
        {
            var match = NodesField().Match(query);
            if (Variable(match, variables) is not JsonArray array)
            {
                throw new ShopifyGraphQlException($"Variable ${match.Groups["var"].Value} of type [ID!]! was provided invalid value", "INVALID_VARIABLE");
            }

            if (array.Count > MaxItems)
            {
                throw new ShopifyGraphQlException($"The input array size of {array.Count} is greater than the maximum allowed of {MaxItems}.", "MAX_INPUT_SIZE_EXCEEDED");
            }

            return [.. array.Select(id => id is JsonValue v && v.GetValueKind() == JsonValueKind.String
                ? v.GetValue<string>()
                : throw new ShopifyGraphQlException("Every id must be a String.", "INVALID_VARIABLE"))];
        }
    }

    /// <summary><c>productVariants(first: $first, after: $after) { pageInfo { hasNextPage endCursor } nodes { id sku title
    /// inventoryPolicy product { id title } inventoryItem { id tracked } } }</c>, ordered by id, with opaque cursors.</summary>
    private sealed class VariantPage : ShopifyReadQueries
    {
        // The connection itself, then per node the variant, its product and its inventory item.
        public override string Name => "productVariants";

        public override int RequestedCost(string query, JsonObject variables) => 2 + (3 * First(query, variables));

        public override JsonObject Execute(string query, JsonObject variables, ShopifyInventoryStore store)
        {
            var match = ProductVariantsField().Match(query);
            var first = First(query, variables);
            var after = (string?)Variable(match, variables, "after") is { Length: > 0 } cursor ? DecodeCursor(cursor) : 0;
            var (variants, hasNext) = store.VariantsAfter(after, first);
            var nodes = new JsonArray();
            foreach (var variant in variants)
            {
                nodes.Add(new JsonObject
                {
                    ["id"] = ShopifyGid.Format("ProductVariant", variant.VariantId),
                    ["sku"] = variant.Sku,
                    ["title"] = variant.Title,
                    ["product"] = new JsonObject { ["id"] = ShopifyGid.Format("Product", variant.ProductId), ["title"] = variant.Title },
                    ["inventoryPolicy"] = variant.InventoryPolicy,
                    ["inventoryItem"] = new JsonObject { ["id"] = ShopifyGid.Format("InventoryItem", variant.InventoryItemId), ["tracked"] = variant.Tracked },
                });
            }

            return new JsonObject
            {
                ["productVariants"] = new JsonObject
                {
                    ["pageInfo"] = new JsonObject
                    {
                        ["hasNextPage"] = hasNext,
                        ["endCursor"] = variants.Count > 0 ? EncodeCursor(variants[^1].VariantId) : null,
                    },
                    ["nodes"] = nodes,
                },
            };
        }

        private static int First(string query, JsonObject variables)
        {
            var first = IntArgument(ProductVariantsField().Match(query), variables);
            return first is >= 1 and <= MaxItems
                ? first
                : throw new ShopifyGraphQlException($"The 'first' argument must be between 1 and {MaxItems}.", "BAD_REQUEST");
        }

        private static string EncodeCursor(long variantId) =>
            Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"last_id\":" + variantId.ToString(CultureInfo.InvariantCulture) + "}"));

        private static long DecodeCursor(string cursor)
        {
            try
            {
                var json = JsonNode.Parse(Convert.FromBase64String(cursor));
                return (long?)json?["last_id"] ?? throw new FormatException();
            }
            catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException)
            {
                throw new ShopifyGraphQlException("Invalid cursor for productVariants.", "BAD_REQUEST");
            }
        }
    }
}

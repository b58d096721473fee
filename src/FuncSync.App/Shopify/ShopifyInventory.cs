using System.Globalization;
using System.Text.Json.Nodes;
using FuncSync.Catalog;
using FuncSync.Domain;
using FuncSync.Push;
using Microsoft.Extensions.Options;

namespace FuncSync.Shopify;

/// <summary>Shopify's side of a push, through the GraphQL Admin API: read a level's "available"
/// quantity, and set it with <c>inventorySetQuantities</c> conditional on the value read
/// (<c>changeFromQuantity</c>), under an idempotency key.</summary>
public sealed partial class ShopifyInventory(HttpClient http, IOptions<ShopifyOptions> options, ShopifyCostBudget budget, TimeProvider time) : IChannelInventory
{
    // Shopify's calculated costs: a mutation is 10 points; a single-object query costs a few.
    private const double MutationCost = 10;
    private const double QueryCost = 2;

    // A THROTTLED answer means another client shares the bucket; wait for the refill a few times
    // before leaving the retry to the queue.
    private const int MaxThrottledAttempts = 5;

    private const string ReadQuery =
        "query InventoryLevel($inventoryItemId: ID!, $locationId: ID!) { inventoryItem(id: $inventoryItemId) { id inventoryLevel(locationId: $locationId) { id quantities(names: [\"available\"]) { name quantity } } } }";

    private const string SetMutation =
        "mutation SetAvailable($input: InventorySetQuantitiesInput!, $idempotencyKey: String!) { inventorySetQuantities(input: $input) @idempotent(key: $idempotencyKey) { inventoryAdjustmentGroup { reason changes { name delta quantityAfterChange } } userErrors { code field message } } }";

    public Channel Channel => Channel.Shopify;

    public async Task<ChannelStock> ReadAsync(SkuMapping mapping, CancellationToken cancellationToken)
    {
        var listing = Listing(mapping);
        var variables = new JsonObject
        {
            ["inventoryItemId"] = InventoryItemGid(listing),
            ["locationId"] = LocationGid(listing),
        };
        var data = await SendAsync(ReadQuery, variables, cancellationToken);
        var level = data["inventoryItem"]?["inventoryLevel"]
            ?? throw new ChannelRequestException($"Shopify has no inventory level for item {listing.InventoryItemId} at location {listing.LocationId} (SKU {mapping.Sku}).");
        var available = level["quantities"]!.AsArray().FirstOrDefault(q => (string?)q?["name"] == "available")?["quantity"]
            ?? throw new ChannelRequestException($"Shopify returned no 'available' quantity for SKU {mapping.Sku}.");
        return new ChannelStock(available.GetValue<int>());
    }

    public async Task WriteAsync(SkuMapping mapping, ChannelStock current, int quantity, CancellationToken cancellationToken)
    {
        var listing = Listing(mapping);
        var variables = new JsonObject
        {
            ["input"] = new JsonObject
            {
                ["name"] = "available",
                ["reason"] = "correction",
                ["referenceDocumentUri"] = $"gid://funcsync/Sku/{Uri.EscapeDataString(mapping.Sku)}",
                ["quantities"] = new JsonArray(new JsonObject
                {
                    ["inventoryItemId"] = InventoryItemGid(listing),
                    ["locationId"] = LocationGid(listing),
                    ["quantity"] = quantity,
                    ["changeFromQuantity"] = current.Quantity,
                }),
            },

            // One key per logical change: the HTTP retry of this very request replays it, never applies it twice.
            ["idempotencyKey"] = Guid.NewGuid().ToString(),
        };
        var data = await SendAsync(SetMutation, variables, cancellationToken);
        var errors = data["inventorySetQuantities"]?["userErrors"]?.AsArray() ?? [];
        if (errors.Count == 0)
        {
            return;
        }

        if (errors.Any(e => (string?)e?["code"] == "CHANGE_FROM_QUANTITY_STALE"))
        {
            throw new StaleChannelQuantityException($"Shopify's quantity for SKU {mapping.Sku} is no longer {current.Quantity}.");
        }

        throw new ChannelRequestException($"Shopify refused the quantity for SKU {mapping.Sku}: {string.Join("; ", errors.Select(e => $"{e?["code"]}: {e?["message"]}"))}");
    }

    private Task<JsonNode> SendAsync(string query, JsonObject variables, CancellationToken cancellationToken) =>
        SendAsync(query, variables, query.StartsWith("mutation", StringComparison.Ordinal) ? MutationCost : QueryCost, cancellationToken);

    private async Task<JsonNode> SendAsync(string query, JsonObject variables, double cost, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var wait = budget.Reserve(cost);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, cancellationToken);
            }

            var body = await PostAsync(query, variables, cancellationToken);
            budget.Observe(body["extensions"]?["cost"]);
            if (body["errors"] is not JsonArray { Count: > 0 } errors)
            {
                return body["data"] ?? throw new ChannelRequestException("Shopify returned no data.");
            }

            var text = string.Join("; ", errors.Select(e => (string?)e?["message"]));
            if (!errors.Any(e => (string?)e?["extensions"]?["code"] == "THROTTLED"))
            {
                throw new ChannelRequestException($"Shopify rejected the request: {text}");
            }

            if (attempt >= MaxThrottledAttempts)
            {
                throw new HttpRequestException($"Shopify throttled the request {attempt} times: {text}");
            }
        }
    }

    private async Task<JsonObject> PostAsync(string query, JsonObject variables, CancellationToken cancellationToken)
    {
        var shopify = options.Value;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"admin/api/{shopify.ApiVersion}/graphql.json")
        {
            Content = JsonContent.Create(new JsonObject { ["query"] = query, ["variables"] = variables.DeepClone() }),
        };
        request.Headers.Add("X-Shopify-Access-Token", shopify.AccessToken);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            // 401/403/404 will not heal by retrying the message; 5xx and 429 were already retried by the pipeline.
            var status = (int)response.StatusCode;
            var message = $"Shopify answered {status} {response.ReasonPhrase}.";
            throw status is >= 400 and < 500 and not 429 ? new ChannelRequestException(message) : new HttpRequestException(message, null, response.StatusCode);
        }

        return await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken)
            ?? throw new ChannelRequestException("Shopify returned an empty body.");
    }

    private static ShopifyListing Listing(SkuMapping mapping) =>
        mapping.Shopify ?? throw new InvalidOperationException($"SKU {mapping.Sku} is not mapped on Shopify.");

    private static string InventoryItemGid(ShopifyListing listing) =>
        string.Create(CultureInfo.InvariantCulture, $"gid://shopify/InventoryItem/{listing.InventoryItemId}");

    private static string LocationGid(ShopifyListing listing) =>
        string.Create(CultureInfo.InvariantCulture, $"gid://shopify/Location/{listing.LocationId}");
}

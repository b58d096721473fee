using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FuncSync.Simulators.Hosting;
using Microsoft.AspNetCore.Http;

namespace FuncSync.Simulators.Shopify;

/// <summary>
/// <c>POST /admin/api/{version}/graphql.json</c>. Not a GraphQL engine: it recognises the two root fields the
/// connector uses and reads their arguments from <c>variables</c> (or from string literals in the document).
/// </summary>
internal sealed partial class ShopifyGraphQlEndpoint(
    ShopifySimulatorOptions options,
    ShopifyInventoryStore store,
    ShopifyCostBucket bucket,
    TimeProvider timeProvider,
    Action onThrottled,
    Action<IReadOnlyList<ShopifyInventoryChanged>> onChanged)
{
    // Shopify prices a mutation at 10 points; inventoryItem + inventoryLevel are one point per object.
    private const int MutationCost = 10;
    private const int ReadCost = 2;

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var graphQlPath = $"/admin/api/{options.ApiVersion}/graphql.json";
        if (!HttpMethods.IsPost(request.Method) || !string.Equals(request.Path.Value, graphQlPath, StringComparison.Ordinal))
        {
            await SimulatorJson.WriteAsync(context, StatusCodes.Status404NotFound, new JsonObject { ["errors"] = "Not Found" });
            return;
        }

        if (!string.Equals(request.Headers["X-Shopify-Access-Token"].ToString(), options.AccessToken, StringComparison.Ordinal))
        {
            await SimulatorJson.WriteAsync(context, StatusCodes.Status401Unauthorized, new JsonObject
            {
                ["errors"] = "[API] Invalid API key or access token (unrecognized login or wrong password)",
            });
            return;
        }

        var body = await SimulatorJson.TryReadAsync(request, context.RequestAborted) as JsonObject;
        if (body?["query"] is not JsonValue queryValue || queryValue.GetValueKind() != JsonValueKind.String)
        {
            await SimulatorJson.WriteAsync(context, StatusCodes.Status400BadRequest, new JsonObject
            {
                ["errors"] = new JsonObject { ["query"] = "Required parameter missing or invalid" },
            });
            return;
        }

        var query = queryValue.GetValue<string>();
        var variables = body["variables"] as JsonObject ?? [];
        var isMutation = SetQuantitiesField().IsMatch(query);
        var isRead = !isMutation && InventoryItemField().IsMatch(query);
        if (!isMutation && ShopifyReadQueries.Recognise(query) is { } bulkRead)
        {
            await bulkRead.HandleAsync(context, query, variables, store, bucket, onThrottled);
            return;
        }

        if (!isMutation && !isRead)
        {
            bucket.TryCharge(0, out var freeCost);
            await WriteGraphQlAsync(context, null, Error(
                "This simulator serves only the inventoryItem query and the inventorySetQuantities mutation.", "undefinedField"), freeCost);
            return;
        }

        if (!bucket.TryCharge(isMutation ? MutationCost : ReadCost, out var cost))
        {
            onThrottled();
            await WriteGraphQlAsync(context, null, Throttled(), cost);
            return;
        }

        try
        {
            var data = isMutation ? SetQuantities(query, variables) : Read(query, variables);
            await WriteGraphQlAsync(context, data, null, cost);
        }
        catch (ShopifyGraphQlException ex)
        {
            await WriteGraphQlAsync(context, null, Error(ex.Message, ex.Code), cost);
        }
    }

    private JsonObject Read(string query, JsonObject variables)
    {
        var itemId = ShopifyGid.Parse(Argument(InventoryItemField().Match(query), variables), "InventoryItem", "inventoryItemId");
        var levelMatch = InventoryLevelField().Match(query);
        var locationId = levelMatch.Success
            ? ShopifyGid.Parse(Argument(levelMatch, variables), "Location", "locationId")
            : 0;
        var (itemExists, available) = store.Read(itemId, locationId);
        if (!itemExists)
        {
            return new JsonObject { ["inventoryItem"] = null };
        }

        var item = new JsonObject { ["id"] = ShopifyGid.Format("InventoryItem", itemId) };
        if (levelMatch.Success)
        {
            item["inventoryLevel"] = available is not { } quantity ? null : new JsonObject
            {
                ["id"] = $"{ShopifyGid.Format("InventoryLevel", locationId)}?inventory_item_id={itemId}",
                ["quantities"] = new JsonArray(new JsonObject { ["name"] = "available", ["quantity"] = quantity }),
            };
        }

        return new JsonObject { ["inventoryItem"] = item };
    }

    private JsonObject SetQuantities(string query, JsonObject variables)
    {
        var inputMatch = SetQuantitiesField().Match(query);
        if (!inputMatch.Groups["var"].Success)
        {
            throw new ShopifyGraphQlException("The simulator reads inventorySetQuantities input only from a variable ($input).", "INVALID_VARIABLE");
        }

        var inputNode = variables[inputMatch.Groups["var"].Value];
        var input = ShopifySetQuantitiesInput.Parse(inputNode);

        // From 2026-04 inventory mutations must carry @idempotent(key:).
        var keyMatch = IdempotentDirective().Match(query);
        var key = keyMatch.Success ? Argument(keyMatch, variables) : null;
        if (string.IsNullOrWhiteSpace(key))
        {
            throw new ShopifyGraphQlException(
                "The @idempotent directive with a non-empty key is required for this mutation.", "BAD_REQUEST");
        }

        var (payload, changed) = store.SetQuantities(input, inputNode!.ToJsonString(), key, timeProvider.GetUtcNow());
        if (changed.Count > 0)
        {
            onChanged(changed);
        }

        return new JsonObject { ["inventorySetQuantities"] = payload };
    }

    private static string? Argument(Match match, JsonObject variables)
    {
        if (match.Groups["lit"].Success)
        {
            return match.Groups["lit"].Value;
        }

        var name = match.Groups["var"].Value;
        return variables[name] switch
        {
            null => throw new ShopifyGraphQlException($"Variable ${name} of type ID! was provided invalid value (Expected value to not be null)", "INVALID_VARIABLE"),
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            _ => throw new ShopifyGraphQlException($"Variable ${name} was provided invalid value (Expected a String)", "INVALID_VARIABLE"),
        };
    }

    internal static JsonArray Throttled()
    {
        var throttled = Error("Throttled", "THROTTLED");
        ((JsonObject)throttled[0]!)["extensions"]!["documentation"] = "https://shopify.dev/api/usage/rate-limits";
        return throttled;
    }

    internal static JsonArray Error(string message, string code) =>
        new(new JsonObject { ["message"] = message, ["extensions"] = new JsonObject { ["code"] = code } });

    internal static Task WriteGraphQlAsync(HttpContext context, JsonObject? data, JsonArray? errors, JsonObject cost)
    {
        var response = new JsonObject();
        if (errors is not null)
        {
            response["errors"] = errors;
        }

        if (data is not null)
        {
            response["data"] = data;
        }

        response["extensions"] = new JsonObject { ["cost"] = cost };
        return SimulatorJson.WriteAsync(context, StatusCodes.Status200OK, response);
    }

    [GeneratedRegex("""\binventorySetQuantities\s*\(\s*input\s*:\s*(?:\$(?<var>\w+)|\{)""")]
    private static partial Regex SetQuantitiesField();

    [GeneratedRegex("""\binventoryItem\s*\(\s*id\s*:\s*(?:\$(?<var>\w+)|"(?<lit>[^"]*)")""")]
    private static partial Regex InventoryItemField();

    [GeneratedRegex("""\binventoryLevel\s*\(\s*locationId\s*:\s*(?:\$(?<var>\w+)|"(?<lit>[^"]*)")""")]
    private static partial Regex InventoryLevelField();

    [GeneratedRegex("""@idempotent\s*\(\s*key\s*:\s*(?:\$(?<var>\w+)|"(?<lit>[^"]*)")\s*\)""")]
    private static partial Regex IdempotentDirective();
}

using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FuncSync.Simulators.Hosting;
using Microsoft.AspNetCore.Http;

namespace FuncSync.Simulators.Shopify;

/// <summary>
/// <c>POST /admin/api/{version}/graphql.json</c>. Not a GraphQL engine: it recognises the root fields the connector
/// uses, dispatches by operation, reads their arguments from <c>variables</c> (or literals in the document), and
/// prices each one as Shopify's calculated query cost does.
/// </summary>
internal sealed partial class ShopifyGraphQlEndpoint(
    ShopifySimulatorOptions options,
    ShopifyInventoryStore store,
    ShopifyCostBucket bucket,
    ShopifyWebhookSubscriptionStore subscriptions,
    TimeProvider timeProvider,
    Action onThrottled,
    Action<string> onOperation,
    Action<IReadOnlyList<ShopifyInventoryChanged>> onChanged,
    Func<IReadOnlyList<JsonObject>> orders,
    Func<string, JsonObject, ShopifyInjectedFault?> fault)
{
    // Shopify prices a mutation at 10 points, an object at 1, a connection at 2 plus the objects it may return.
    private const int MutationCost = 10;
    private const int ObjectCost = 1;
    private const int ConnectionCost = 2;

    // inventoryItem + inventoryLevel: one point per object.
    private const int ReadCost = 2 * ObjectCost;

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
        (string Name, int Requested, Func<(JsonObject Data, int Actual)> Run)? plan;
        try
        {
            plan = Plan(query, variables);
        }
        catch (ShopifyGraphQlException ex)
        {
            await WriteGraphQlAsync(context, null, Error(ex.Message, ex.Code), bucket.Extension(0, 0));
            return;
        }

        if (plan is not { } operation)
        {
            await WriteGraphQlAsync(context, null, Error(
                "This simulator serves inventoryItem, nodes, orders, productVariants, webhookSubscriptions, inventorySetQuantities and webhookSubscriptionCreate/Update/Delete.", "undefinedField"),
                bucket.Extension(0, 0));
            return;
        }

        // An injected failure answers before anything ran or was charged: as an overloaded Shopify does (an HTTP error),
        // or as Shopify does when other calls drained the bucket (THROTTLED).
        if (fault(operation.Name, variables) is { } failure)
        {
            if (failure.Status is { } status)
            {
                await SimulatorJson.WriteAsync(context, status, new JsonObject { ["errors"] = "Internal Server Error" });
            }
            else
            {
                await WriteThrottledAsync(context, operation.Requested);
            }

            return;
        }

        if (operation.Requested > ShopifyCostBucket.MaxSingleQueryCost)
        {
            await WriteGraphQlAsync(context, null, Error(
                $"Query cost is {operation.Requested}, which exceeds the single query max cost limit ({ShopifyCostBucket.MaxSingleQueryCost}).", "MAX_COST_EXCEEDED"),
                bucket.Extension(operation.Requested, null));
            return;
        }

        // Shopify charges the requested (worst-case) cost before running the query; a request the bucket cannot pay
        // is refused whole and counted as a violation: a well-behaved client never sends it.
        if (!bucket.TryCharge(operation.Requested))
        {
            onThrottled();
            await WriteThrottledAsync(context, operation.Requested);
            return;
        }

        onOperation(operation.Name);
        try
        {
            var (data, actual) = operation.Run();
            bucket.Refund(operation.Requested - actual);
            await WriteGraphQlAsync(context, data, null, bucket.Extension(operation.Requested, actual));
        }
        catch (ShopifyGraphQlException ex)
        {
            await WriteGraphQlAsync(context, null, Error(ex.Message, ex.Code), bucket.Extension(operation.Requested, operation.Requested));
        }
    }

    /// <summary>Recognises the operation and prices it the way Shopify's calculated cost does: a mutation 10 points,
    /// an object 1, a connection 2 plus the objects it may return (its <c>first</c>); the actual cost counts what it
    /// returned.</summary>
    private (string Name, int Requested, Func<(JsonObject Data, int Actual)> Run)? Plan(string query, JsonObject variables)
    {
        // The bulk reads of reconciliation and the mapping audit (nodes(ids:), productVariants); all their objects
        // are returned, so the actual cost is the requested one.
        if (ShopifyReadQueries.Recognise(query) is { } read)
        {
            var requested = read.RequestedCost(query, variables);
            return (read.Name, requested, () => (read.Execute(query, variables, store), requested));
        }

        if (ShopifyOrderQueries.IsMatch(query))
        {
            return ("orders", ShopifyOrderQueries.RequestedCost(query, variables), () => ShopifyOrderQueries.Execute(query, variables, orders()));
        }

        if (SetQuantitiesField().IsMatch(query))
        {
            return ("inventorySetQuantities", MutationCost, () => (SetQuantities(query, variables), MutationCost));
        }

        if (SubscriptionMutation().Match(query) is { Success: true } mutation)
        {
            return ("webhookSubscription" + mutation.Groups["op"].Value, MutationCost, () => (SubscriptionChange(mutation.Groups["op"].Value, query, variables), MutationCost));
        }

        if (SubscriptionsField().Match(query) is { Success: true } list)
        {
            var args = list.Groups["args"].Value;
            var first = First(args, variables);
            (JsonObject, int) ListSubscriptions()
            {
                var (data, returned) = subscriptions.List(first, ArgumentIn(args, "after", variables), TopicsIn(args, variables));
                return (data, ConnectionCost + returned);
            }

            return ("webhookSubscriptions", ConnectionCost + first, ListSubscriptions);
        }

        if (TrackedUpdate().Match(query) is { Success: true } track)
        {
            return ("inventoryItemUpdate", MutationCost, () => (UpdateTracked(track, variables), MutationCost));
        }

        if (VariantsBulkUpdate().Match(query) is { Success: true } bulk)
        {
            return ("productVariantsBulkUpdate", MutationCost, () => (UpdateVariants(bulk, variables), MutationCost));
        }

        if (InventoryItemField().IsMatch(query))
        {
            if (InventoryLevelsField().Match(query) is { Success: true } levels)
            {
                var first = First(levels.Groups["args"].Value, variables);
                (JsonObject, int) ReadAllLevels()
                {
                    var (data, returned) = ReadLevels(query, variables, first);
                    return (data, ObjectCost + ConnectionCost + returned);
                }

                return ("inventoryLevels", ObjectCost + ConnectionCost + first, ReadAllLevels);
            }

            return ("inventoryItem", ReadCost, () => (Read(query, variables), ReadCost));
        }

        return null;
    }

    /// <summary><c>inventoryItemUpdate(id: $id, input: $input)</c>, as far as "Track quantity" goes (<c>input.tracked</c>).</summary>
    private JsonObject UpdateTracked(Match match, JsonObject variables)
    {
        var itemId = ShopifyGid.Parse((string?)variables[match.Groups["id"].Value], "InventoryItem", "id");
        var tracked = (bool?)variables[match.Groups["input"].Value]?["tracked"];
        store.SetTracked(itemId, tracked);
        return new JsonObject
        {
            ["inventoryItemUpdate"] = new JsonObject
            {
                ["inventoryItem"] = new JsonObject { ["id"] = ShopifyGid.Format("InventoryItem", itemId), ["tracked"] = tracked },
                ["userErrors"] = new JsonArray(),
            },
        };
    }

    /// <summary><c>productVariantsBulkUpdate(productId: $productId, variants: $variants)</c>, as far as the
    /// out-of-stock policy goes (<c>variants[].inventoryPolicy</c>, DENY or CONTINUE).</summary>
    private JsonObject UpdateVariants(Match match, JsonObject variables)
    {
        var productId = ShopifyGid.Parse((string?)variables[match.Groups["product"].Value], "Product", "productId");
        var updated = new JsonArray();
        foreach (var input in variables[match.Groups["variants"].Value]?.AsArray() ?? [])
        {
            var variantId = ShopifyGid.Parse((string?)input?["id"], "ProductVariant", "variants.id");
            var policy = (string?)input!["inventoryPolicy"];
            if (policy is not (null or "DENY" or "CONTINUE"))
            {
                throw new ShopifyGraphQlException($"Variable $variants has an invalid inventoryPolicy '{policy}'.", "INVALID_VARIABLE");
            }

            if (store.GetVariant(variantId).ProductId != productId)
            {
                throw new ShopifyGraphQlException($"Variant {variantId} does not belong to product {productId}.", "BAD_REQUEST");
            }

            store.SetStockSettings(variantId, null, policy);
            updated.Add(new JsonObject { ["id"] = ShopifyGid.Format("ProductVariant", variantId), ["inventoryPolicy"] = store.GetVariant(variantId).InventoryPolicy });
        }

        return new JsonObject
        {
            ["productVariantsBulkUpdate"] = new JsonObject { ["productVariants"] = updated, ["userErrors"] = new JsonArray() },
        };
    }

    private JsonObject SubscriptionChange(string operation, string query, JsonObject variables)
    {
        var args = SubscriptionMutation().Match(query).Groups["args"].Value;
        var input = ObjectIn(args, "webhookSubscription", variables);
        return operation switch
        {
            "Create" => subscriptions.Create(EnumIn(args, "topic", variables), input),
            "Update" => subscriptions.Update(ShopifyGid.Parse(ArgumentIn(args, "id", variables), "WebhookSubscription", "id"), input),
            _ => subscriptions.Delete(ShopifyGid.Parse(ArgumentIn(args, "id", variables), "WebhookSubscription", "id")),
        };
    }

    /// <summary><c>inventoryItem(id:) { inventoryLevels(first:) { nodes { location { id } quantities(...) } } }</c>:
    /// every location the item is stocked at, for a read that sums locations.</summary>
    private (JsonObject Data, int Returned) ReadLevels(string query, JsonObject variables, int first)
    {
        var itemId = ShopifyGid.Parse(Argument(InventoryItemField().Match(query), variables), "InventoryItem", "inventoryItemId");
        var levels = store.Levels(itemId);
        if (levels is null)
        {
            return (new JsonObject { ["inventoryItem"] = null }, 0);
        }

        var page = levels.Take(first).ToList();
        var nodes = SimulatorJson.Array(page.Select(l => (JsonNode?)new JsonObject
        {
            ["id"] = $"{ShopifyGid.Format("InventoryLevel", l.LocationId)}?inventory_item_id={itemId}",
            ["location"] = new JsonObject { ["id"] = ShopifyGid.Format("Location", l.LocationId) },
            ["quantities"] = new JsonArray(new JsonObject { ["name"] = "available", ["quantity"] = l.Available }),
        }));
        return (new JsonObject
        {
            ["inventoryItem"] = new JsonObject
            {
                ["id"] = ShopifyGid.Format("InventoryItem", itemId),
                ["inventoryLevels"] = new JsonObject
                {
                    ["nodes"] = nodes,
                    ["pageInfo"] = new JsonObject { ["hasNextPage"] = levels.Count > page.Count },
                },
            },
        }, page.Count);
    }

    private static int First(string args, JsonObject variables)
    {
        var text = ArgumentIn(args, "first", variables)
            ?? throw new ShopifyGraphQlException("You must provide one of first or last", "BAD_REQUEST");
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var first) || first is < 1 or > 250)
        {
            throw new ShopifyGraphQlException("first must be between 1 and 250", "BAD_REQUEST");
        }

        return first;
    }

    /// <summary>An argument's value as text: a literal (<c>name: 5</c>, <c>name: "x"</c>, <c>name: ENUM</c>) or a variable.</summary>
    private static string? ArgumentIn(string args, string name, JsonObject variables)
    {
        var match = Regex.Match(args, $$"""\b{{name}}\s*:\s*(?:\$(?<var>\w+)|"(?<lit>[^"]*)"|(?<lit>[\w.-]+))""");
        if (!match.Success)
        {
            return null;
        }

        if (match.Groups["lit"].Success)
        {
            return match.Groups["lit"].Value;
        }

        return variables[match.Groups["var"].Value] switch
        {
            null => null,
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
            _ => throw new ShopifyGraphQlException($"Variable ${match.Groups["var"].Value} was provided invalid value", "INVALID_VARIABLE"),
        };
    }

    private static string? EnumIn(string args, string name, JsonObject variables) => ArgumentIn(args, name, variables);

    private static JsonObject? ObjectIn(string args, string name, JsonObject variables)
    {
        var match = Regex.Match(args, $$"""\b{{name}}\s*:\s*\$(?<var>\w+)""");
        return match.Success ? variables[match.Groups["var"].Value] as JsonObject : null;
    }

    private static HashSet<string>? TopicsIn(string args, JsonObject variables)
    {
        var match = Regex.Match(args, """\btopics\s*:\s*(?:\$(?<var>\w+)|\[(?<lit>[^\]]*)\])""");
        if (!match.Success)
        {
            return null;
        }

        if (match.Groups["lit"].Success)
        {
            return [.. match.Groups["lit"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        }

        // An unset variable leaves the list unfiltered.
        return variables[match.Groups["var"].Value] is JsonArray topics ? [.. topics.Select(t => t!.GetValue<string>())] : null;
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

    private Task WriteThrottledAsync(HttpContext context, int requested)
    {
        var throttled = Error("Throttled", "THROTTLED");
        ((JsonObject)throttled[0]!)["extensions"]!["documentation"] = "https://shopify.dev/api/usage/rate-limits";
        return WriteGraphQlAsync(context, null, throttled, bucket.Extension(requested, null));
    }

    private static JsonArray Error(string message, string code) =>
        new(new JsonObject { ["message"] = message, ["extensions"] = new JsonObject { ["code"] = code } });

    private static Task WriteGraphQlAsync(HttpContext context, JsonObject? data, JsonArray? errors, JsonObject cost)
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

    [GeneratedRegex("""\binventoryItemUpdate\s*\(\s*id\s*:\s*\$(?<id>\w+)\s*,\s*input\s*:\s*\$(?<input>\w+)\s*\)""")]
    private static partial Regex TrackedUpdate();

    [GeneratedRegex("""\bproductVariantsBulkUpdate\s*\(\s*productId\s*:\s*\$(?<product>\w+)\s*,\s*variants\s*:\s*\$(?<variants>\w+)\s*\)""")]
    private static partial Regex VariantsBulkUpdate();

    [GeneratedRegex("""\binventoryItem\s*\(\s*id\s*:\s*(?:\$(?<var>\w+)|"(?<lit>[^"]*)")""")]
    private static partial Regex InventoryItemField();

    [GeneratedRegex("""\binventoryLevel\s*\(\s*locationId\s*:\s*(?:\$(?<var>\w+)|"(?<lit>[^"]*)")""")]
    private static partial Regex InventoryLevelField();

    [GeneratedRegex("""\bwebhookSubscription(?<op>Create|Update|Delete)\s*\((?<args>[^)]*)\)""")]
    private static partial Regex SubscriptionMutation();

    [GeneratedRegex("""\bwebhookSubscriptions\s*\((?<args>[^)]*)\)""")]
    private static partial Regex SubscriptionsField();

    [GeneratedRegex("""\binventoryLevels\s*\((?<args>[^)]*)\)""")]
    private static partial Regex InventoryLevelsField();

    [GeneratedRegex("""@idempotent\s*\(\s*key\s*:\s*(?:\$(?<var>\w+)|"(?<lit>[^"]*)")\s*\)""")]
    private static partial Regex IdempotentDirective();
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FuncSync.Simulators.Hosting;
using Microsoft.AspNetCore.Http;

namespace FuncSync.Simulators.Square;

/// <summary>The HTTP side: Square's paths, request checks and error shape <c>{errors:[{category,code,detail,field}]}</c>.</summary>
public sealed partial class SquareSimulator
{
    /// <summary>Square's limit on changes per BatchChangeInventory call.</summary>
    public const int MaxChangesPerBatch = 100;

    private const int PageSize = 100;

    // The states the Inventory API may move quantities between; the others are read-only to it.
    private static readonly HashSet<string> WritableStates = new(StringComparer.Ordinal) { "IN_STOCK", "SOLD", "WASTE", "NONE", "UNLINKED_RETURN" };

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.Method == "POST" && request.Path == "/oauth2/token")
        {
            await ObtainTokenAsync(context);
            return;
        }

        if (request.Method == "GET" && request.Path == "/oauth2/authorize")
        {
            await AuthorizeAsync(context);
            return;
        }

        if (Refusal(request) is { } refusal)
        {
            await ErrorAsync(context, 401, "AUTHENTICATION_ERROR", refusal, refusal == "ACCESS_TOKEN_EXPIRED" ? "The access token has expired." : "This request could not be authorized.");
            return;
        }

        if (DrawRateLimited())
        {
            Interlocked.Increment(ref _rateLimited);
            await ErrorAsync(context, 429, "RATE_LIMIT_ERROR", "RATE_LIMITED", "This request was rate limited. Please retry later.");
            return;
        }

        var path = request.Path.Value ?? string.Empty;
        switch (request.Method, path)
        {
            case ("POST", "/v2/inventory/changes/batch-create"):
                await BatchChangeAsync(context);
                break;
            case ("POST", "/v2/inventory/changes/batch-retrieve"):
                await BatchRetrieveChangesAsync(context);
                break;
            case ("POST", "/v2/inventory/counts/batch-retrieve"):
                await BatchRetrieveCountsAsync(context);
                break;
            case ("GET", "/v2/catalog/list"):
                await ListCatalogAsync(context);
                break;
            case ("GET", _) when path.StartsWith("/v2/orders/", StringComparison.Ordinal):
                await RetrieveOrderAsync(context, path["/v2/orders/".Length..]);
                break;
            default:
                await ErrorAsync(context, 404, "INVALID_REQUEST_ERROR", "NOT_FOUND", $"{request.Method} {path} is not an endpoint.");
                break;
        }
    }

    private bool DrawRateLimited()
    {
        if (Interlocked.Decrement(ref _rateLimitNext) >= 0)
        {
            return true;
        }

        Interlocked.Increment(ref _rateLimitNext);
        lock (_gate)
        {
            return Options.RateLimitedShare > 0 && _faults.NextDouble() < Options.RateLimitedShare;
        }
    }

    private async Task BatchChangeAsync(HttpContext context)
    {
        var body = await SimulatorJson.TryReadAsync(context.Request, context.RequestAborted) as JsonObject;
        if (body is null)
        {
            await ErrorAsync(context, 400, "INVALID_REQUEST_ERROR", "BAD_REQUEST", "The body is not a JSON object.");
            return;
        }

        if (body["idempotency_key"] is not JsonValue keyValue || !keyValue.TryGetValue<string>(out var key) || key.Length == 0)
        {
            await ErrorAsync(context, 400, "INVALID_REQUEST_ERROR", "MISSING_REQUIRED_PARAMETER", "Field must be set", "idempotency_key");
            return;
        }

        var canonical = body.ToJsonString();
        int status;
        string response;
        List<SquareCountChanged> changed = [];
        List<(string, string)> moved = [];
        lock (_gate)
        {
            if (_idempotency.TryGetValue(key, out var earlier))
            {
                // A repeated key returns the first result and changes nothing; the same key with another request is refused.
                (status, response) = string.Equals(earlier.Request, canonical, StringComparison.Ordinal)
                    ? (earlier.Status, earlier.Response)
                    : (400, ErrorJson("INVALID_REQUEST_ERROR", "IDEMPOTENCY_KEY_REUSED", "The idempotency key was used with a different request.", "idempotency_key"));
            }
            else
            {
                (status, response) = Apply(body, changed, moved);
                _idempotency[key] = (canonical, status, response);
            }
        }

        await WriteAsync(context, status, response);
        if (changed.Count > 0)
        {
            Interlocked.Increment(ref _changeRequests);
            RaiseCountChanged(changed);
            // Square reports every count change, FuncSync's own writes included: the receiver must tell its echo apart.
            await SendCountUpdatedAsync(moved, CancellationToken.None);
        }
    }

    /// <summary>Checks every change, then applies them all (a request with one bad change applies none). Callers hold the lock.</summary>
    private (int Status, string Response) Apply(JsonObject body, List<SquareCountChanged> changed, List<(string, string)> moved)
    {
        if (body["changes"] is not JsonArray changes || changes.Count == 0)
        {
            return (400, ErrorJson("INVALID_REQUEST_ERROR", "MISSING_REQUIRED_PARAMETER", "Field must be set", "changes"));
        }

        if (changes.Count > MaxChangesPerBatch)
        {
            return (400, ErrorJson("INVALID_REQUEST_ERROR", "ARRAY_LENGTH_TOO_LONG", $"Field must contain at most {MaxChangesPerBatch} elements.", "changes"));
        }

        var parsed = new List<(string Variation, string Location, DateTimeOffset At, bool IsCount, decimal Quantity, JsonObject Echo, SquareChangeOrigin Origin, string Id)>();
        for (var i = 0; i < changes.Count; i++)
        {
            var (change, error) = ParseChange(changes[i], $"changes[{i}]");
            if (error is not null)
            {
                return (400, error);
            }

            parsed.Add(change);
        }

        var now = _time.GetUtcNow();
        foreach (var (variation, location, at, isCount, quantity, _, origin, id) in parsed)
        {
            _store.Record(variation, location, at, isCount, quantity, origin, id, now);
        }

        Interlocked.Add(ref _changesApplied, parsed.Count);
        var pairs = parsed.Select(p => (p.Variation, p.Location)).Distinct().ToList();
        moved.AddRange(pairs);
        changed.AddRange(pairs.Select(p => new SquareCountChanged(p.Variation, p.Location, (int)_store.Count(p.Variation, p.Location), now)));
        var result = new JsonObject
        {
            ["counts"] = SimulatorJson.Array(pairs.Select(p => (JsonNode)CountJson(p.Variation, p.Location))),
            ["changes"] = SimulatorJson.Array(parsed.Select(p => (JsonNode)p.Echo)),
        };
        return (200, SimulatorJson.ToJson(result));
    }

    private ((string Variation, string Location, DateTimeOffset At, bool IsCount, decimal Quantity, JsonObject Echo, SquareChangeOrigin Origin, string Id) Change, string? Error) ParseChange(JsonNode? node, string field)
    {
        var type = (string?)node?["type"];
        var detail = type switch
        {
            "ADJUSTMENT" => node!["adjustment"] as JsonObject,
            "PHYSICAL_COUNT" => node!["physical_count"] as JsonObject,
            _ => null,
        };
        if (detail is null)
        {
            return (default, ErrorJson("INVALID_REQUEST_ERROR", "INVALID_ENUM_VALUE", "A change is an ADJUSTMENT with `adjustment` or a PHYSICAL_COUNT with `physical_count`.", field + ".type"));
        }

        var inner = field + (type == "ADJUSTMENT" ? ".adjustment" : ".physical_count");
        string? Text(string name) => detail[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        var variation = Text("catalog_object_id");
        if (variation is null || _store.Find(variation) is null)
        {
            return (default, ErrorJson("INVALID_REQUEST_ERROR", variation is null ? "MISSING_REQUIRED_PARAMETER" : "NOT_FOUND", $"Item variation `{variation}` not found.", inner + ".catalog_object_id"));
        }

        var location = Text("location_id");
        if (location is null || !Options.LocationIds.Contains(location, StringComparer.Ordinal))
        {
            return (default, ErrorJson("INVALID_REQUEST_ERROR", "INVALID_VALUE", $"Location `{location}` not found.", inner + ".location_id"));
        }

        // Quantities are decimal strings; a JSON number is refused.
        if (detail["quantity"] is not JsonValue q || !q.TryGetValue<string>(out var quantityText))
        {
            return (default, ErrorJson("INVALID_REQUEST_ERROR", "EXPECTED_STRING", "Expected a string value.", inner + ".quantity"));
        }

        if (!decimal.TryParse(quantityText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var quantity))
        {
            return (default, ErrorJson("INVALID_REQUEST_ERROR", "INVALID_VALUE", $"`{quantityText}` is not a non-negative decimal.", inner + ".quantity"));
        }

        if (!DateTimeOffset.TryParse(Text("occurred_at"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return (default, ErrorJson("INVALID_REQUEST_ERROR", "MISSING_REQUIRED_PARAMETER", "An RFC 3339 occurred_at is required.", inner + ".occurred_at"));
        }

        var echo = (JsonObject)node!.DeepClone();
        var echoed = (JsonObject)echo[type == "ADJUSTMENT" ? "adjustment" : "physical_count"]!;
        var id = NewId(26);
        echoed["id"] = id;
        echoed["created_at"] = Time(_time.GetUtcNow());
        echoed["source"] = new JsonObject { ["product"] = ExternalApi, ["application_id"] = Options.ApplicationId, ["name"] = Options.ApplicationName };
        if (type == "PHYSICAL_COUNT")
        {
            var counted = new SquareChangeOrigin(ExternalApi, Options.ApplicationName, Options.ApplicationId, "NONE", "IN_STOCK") { ReferenceId = Text("reference_id") };
            return Text("state") == "IN_STOCK"
                ? ((variation, location, at, true, quantity, echo, counted, id), null)
                : (default, ErrorJson("INVALID_REQUEST_ERROR", "INVALID_ENUM_VALUE", "A physical count sets the IN_STOCK state.", inner + ".state"));
        }

        var from = Text("from_state");
        var to = Text("to_state");
        if (from is null || to is null || from == to || !WritableStates.Contains(from) || !WritableStates.Contains(to))
        {
            return (default, ErrorJson("INVALID_REQUEST_ERROR", "INVALID_ENUM_VALUE", $"Cannot adjust from {from} to {to}: the Inventory API moves quantities only between {string.Join(", ", WritableStates)}.", inner + ".to_state"));
        }

        var delta = to == "IN_STOCK" ? quantity : from == "IN_STOCK" ? -quantity : 0;
        var origin = new SquareChangeOrigin(ExternalApi, Options.ApplicationName, Options.ApplicationId, from, to) { ReferenceId = Text("reference_id") };
        return ((variation, location, at, false, delta, echo, origin, id), null);
    }

    private async Task BatchRetrieveCountsAsync(HttpContext context)
    {
        var body = await SimulatorJson.TryReadAsync(context.Request, context.RequestAborted) as JsonObject ?? [];
        var ids = (body["catalog_object_ids"] as JsonArray)?.Select(n => (string?)n).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var locations = (body["location_ids"] as JsonArray)?.Select(n => (string?)n).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var start = int.TryParse((string?)body["cursor"], NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : 0;
        JsonObject result;
        lock (_gate)
        {
            var all = _store.Counted
                .Where(k => (ids is null || ids.Contains(k.Variation)) && (locations is null || locations.Contains(k.Location)))
                .ToList();
            var page = all.Skip(start).Take(PageSize).ToList();
            result = new JsonObject { ["counts"] = SimulatorJson.Array(page.Select(k => (JsonNode)CountJson(k.Variation, k.Location))) };
            if (start + page.Count < all.Count)
            {
                result["cursor"] = (start + page.Count).ToString(CultureInfo.InvariantCulture);
            }
        }

        await SimulatorJson.WriteAsync(context, 200, result);
    }

    /// <summary>BatchRetrieveInventoryChanges: the ADJUSTMENT and PHYSICAL_COUNT changes (the default types; TRANSFER is
    /// no filter) of the variations at the locations whose <c>created_at</c> is after <c>updated_after</c> and before
    /// <c>updated_before</c>, a page at a time.</summary>
    private async Task BatchRetrieveChangesAsync(HttpContext context)
    {
        var body = await SimulatorJson.TryReadAsync(context.Request, context.RequestAborted) as JsonObject ?? [];
        static HashSet<string>? Set(JsonNode? node) => (node as JsonArray)?.Select(n => (string?)n).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var ids = Set(body["catalog_object_ids"]);
        var locations = Set(body["location_ids"]);
        var types = Set(body["types"]) ?? ["ADJUSTMENT", "PHYSICAL_COUNT"];
        if (types.FirstOrDefault(t => t is not ("ADJUSTMENT" or "PHYSICAL_COUNT")) is { } unsupported)
        {
            await ErrorAsync(context, 400, "INVALID_REQUEST_ERROR", "INVALID_ENUM_VALUE", $"`{unsupported}` is not a change type to filter by.", "types");
            return;
        }

        DateTimeOffset? Bound(string name)
        {
            var text = (string?)body[name];
            return text is null ? null : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : DateTimeOffset.MinValue;
        }

        var after = Bound("updated_after");
        var before = Bound("updated_before");
        if (after == DateTimeOffset.MinValue || before == DateTimeOffset.MinValue)
        {
            await ErrorAsync(context, 400, "INVALID_REQUEST_ERROR", "INVALID_TIME", "Expected an RFC 3339 timestamp.", after == DateTimeOffset.MinValue ? "updated_after" : "updated_before");
            return;
        }

        var start = int.TryParse((string?)body["cursor"], NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : 0;
        JsonObject result;
        lock (_gate)
        {
            var all = _store.ChangesAfter(ids, locations, after ?? DateTimeOffset.UnixEpoch, before)
                .Where(x => types.Contains(x.Change.IsCount ? "PHYSICAL_COUNT" : "ADJUSTMENT"))
                .ToList();
            var page = all.Skip(start).Take(PageSize).ToList();
            result = new JsonObject { ["changes"] = SimulatorJson.Array(page.Select(x => (JsonNode)ChangeJson(x.Variation, x.Location, x.Change))) };
            if (start + page.Count < all.Count)
            {
                result["cursor"] = (start + page.Count).ToString(CultureInfo.InvariantCulture);
            }
        }

        await SimulatorJson.WriteAsync(context, 200, result);
    }

    private static JsonObject ChangeJson(string variation, string location, SquareChange change)
    {
        var origin = change.Origin;
        var source = new JsonObject { ["product"] = origin.Product };
        if (origin.ApplicationId is { } application)
        {
            source["application_id"] = application;
        }

        if (origin.SourceName is { } name)
        {
            source["name"] = name;
        }

        var detail = new JsonObject
        {
            ["id"] = change.Id,
            ["catalog_object_id"] = variation,
            ["catalog_object_type"] = "ITEM_VARIATION",
            ["location_id"] = location,
            ["quantity"] = Math.Abs(change.Quantity).ToString(CultureInfo.InvariantCulture),
            ["occurred_at"] = Time(change.OccurredAt),
            ["created_at"] = Time(change.CreatedAt),
            ["source"] = source,
        };
        if (origin.ReferenceId is { } reference)
        {
            detail["reference_id"] = reference;
        }

        if (change.IsCount)
        {
            detail["state"] = "IN_STOCK";
            return new JsonObject { ["type"] = "PHYSICAL_COUNT", ["physical_count"] = detail };
        }

        detail["from_state"] = origin.FromState;
        detail["to_state"] = origin.ToState;
        if (origin.TransactionId is { } transaction)
        {
            detail["transaction_id"] = transaction;
        }

        return new JsonObject { ["type"] = "ADJUSTMENT", ["adjustment"] = detail };
    }

    private async Task ListCatalogAsync(HttpContext context)
    {
        var types = context.Request.Query["types"].ToString();
        var start = int.TryParse(context.Request.Query["cursor"], NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : 0;
        JsonObject result;
        lock (_gate)
        {
            // ITEM objects carry their variations in item_data.variations; ITEM_VARIATION lists the variations alone.
            var requested = types.Split(',');
            var all = new List<JsonNode>();
            if (requested.Contains("ITEM", StringComparer.Ordinal))
            {
                all.AddRange(_store.Variations.GroupBy(v => v.ItemId).Select(item => (JsonNode)ItemJson(item.Key, [.. item])));
            }

            if (requested.Contains("ITEM_VARIATION", StringComparer.Ordinal))
            {
                all.AddRange(_store.Variations.Select(v => (JsonNode)VariationJson(v)));
            }

            var page = all.Skip(start).Take(PageSize).ToList();
            result = new JsonObject { ["objects"] = SimulatorJson.Array(page) };
            if (start + page.Count < all.Count)
            {
                result["cursor"] = (start + page.Count).ToString(CultureInfo.InvariantCulture);
            }
        }

        await SimulatorJson.WriteAsync(context, 200, result);
    }

    private JsonObject ItemJson(string itemId, IReadOnlyList<SquareVariation> variations) => new()
    {
        ["type"] = "ITEM",
        ["id"] = itemId,
        ["updated_at"] = Time(_time.GetUtcNow()),
        ["version"] = variations.Max(v => v.Version),
        ["is_deleted"] = false,
        ["present_at_all_locations"] = true,
        ["item_data"] = new JsonObject
        {
            ["name"] = variations[0].ItemName,
            ["product_type"] = "REGULAR",
            ["variations"] = SimulatorJson.Array(variations.Select(v => (JsonNode)VariationJson(v))),
        },
    };

    private JsonObject VariationJson(SquareVariation v)
    {
        var overrides = new JsonArray();
        foreach (var location in Options.LocationIds)
        {
            var o = v.Overrides.GetValueOrDefault(location);
            // Square marks a tracked variation sold out by itself at 0; a seller can also mark it by hand at any count.
            var soldOut = o.SoldOutByHand || (v.TracksAt(location) && _store.HasCount(v.Id, location) && _store.Count(v.Id, location) <= 0);
            if (o.TrackInventory is null && !soldOut)
            {
                continue;
            }

            var entry = new JsonObject { ["location_id"] = location };
            if (o.TrackInventory is { } track)
            {
                entry["track_inventory"] = track;
            }

            if (soldOut)
            {
                entry["sold_out"] = true;
            }

            overrides.Add(entry);
        }

        var data = new JsonObject
        {
            ["item_id"] = v.ItemId,
            ["name"] = v.Name,
            ["ordinal"] = 1,
            ["pricing_type"] = "FIXED_PRICING",
            ["price_money"] = Money(v.PriceMinor),
            ["track_inventory"] = v.TrackInventory,
        };
        if (!string.IsNullOrEmpty(v.Sku))
        {
            data["sku"] = v.Sku;
        }

        if (overrides.Count > 0)
        {
            data["location_overrides"] = overrides;
        }

        return new JsonObject
        {
            ["type"] = "ITEM_VARIATION",
            ["id"] = v.Id,
            ["updated_at"] = Time(_time.GetUtcNow()),
            ["version"] = v.Version,
            ["is_deleted"] = false,
            ["present_at_all_locations"] = true,
            ["item_variation_data"] = data,
        };
    }

    private async Task RetrieveOrderAsync(HttpContext context, string orderId)
    {
        JsonObject? result = null;
        lock (_gate)
        {
            if (_store.FindOrder(orderId) is { } order)
            {
                result = new JsonObject
                {
                    ["order"] = new JsonObject
                    {
                        ["id"] = order.Id,
                        ["location_id"] = order.LocationId,
                        ["source"] = new JsonObject { ["name"] = order.SourceName },
                        ["line_items"] = SimulatorJson.Array(order.Lines.Select(l => (JsonNode)new JsonObject
                        {
                            ["uid"] = l.Uid,
                            ["catalog_object_id"] = l.CatalogObjectId,
                            ["quantity"] = l.Quantity.ToString(CultureInfo.InvariantCulture),
                            ["name"] = l.Name,
                            ["variation_name"] = "Regular",
                            ["item_type"] = "ITEM",
                            // No taxes, discounts or modifiers in the simulator: gross sales and total are base price times quantity.
                            ["base_price_money"] = Money(l.BasePriceMinor),
                            ["variation_total_price_money"] = Money(l.BasePriceMinor * l.Quantity),
                            ["gross_sales_money"] = Money(l.BasePriceMinor * l.Quantity),
                            ["total_tax_money"] = Money(0),
                            ["total_discount_money"] = Money(0),
                            ["total_money"] = Money(l.BasePriceMinor * l.Quantity),
                        })),
                        ["total_money"] = Money(order.Lines.Sum(l => l.BasePriceMinor * l.Quantity)),
                        ["total_tax_money"] = Money(0),
                        ["total_discount_money"] = Money(0),
                        ["state"] = order.State,
                        ["version"] = order.Version,
                        ["created_at"] = Time(order.CreatedAt),
                        ["updated_at"] = Time(order.UpdatedAt),
                    },
                };
            }
        }

        if (result is null)
        {
            await ErrorAsync(context, 404, "INVALID_REQUEST_ERROR", "NOT_FOUND", $"Order `{orderId}` not found.");
            return;
        }

        await SimulatorJson.WriteAsync(context, 200, result);
    }

    /// <summary>Square's Money: the amount in the currency's smallest unit (cents), and the currency.</summary>
    private JsonObject Money(long minor) => new() { ["amount"] = minor, ["currency"] = Options.Currency };

    private static Task ErrorAsync(HttpContext context, int status, string category, string code, string detail, string? field = null) =>
        WriteAsync(context, status, ErrorJson(category, code, detail, field));

    private static async Task WriteAsync(HttpContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json, context.RequestAborted);
    }

    private static string ErrorJson(string category, string code, string detail, string? field = null)
    {
        var error = new JsonObject { ["category"] = category, ["code"] = code, ["detail"] = detail };
        if (field is not null)
        {
            error["field"] = field;
        }

        return JsonSerializer.Serialize(new JsonObject { ["errors"] = new JsonArray(error) });
    }
}

using System.Globalization;
using System.Text.Json.Nodes;
using FuncSync.Simulators.Hosting;
using Microsoft.AspNetCore.Http;

namespace FuncSync.Simulators.Amazon;

/// <summary>The HTTP side: LWA's token endpoint and the Selling Partner API's Listings Items and Orders paths.</summary>
public sealed partial class AmazonSimulator
{
    public const string RateLimitHeader = "x-amzn-RateLimit-Limit";

    private const string ListingsPrefix = "/listings/2021-08-01/items/";
    private const string OrdersPath = "/orders/v0/orders";
    private const int OrdersPageSize = 100;
    private const int SearchPageSize = 20;

    private static readonly HashSet<string> PatchOps = new(StringComparer.Ordinal) { "add", "replace", "merge", "delete" };

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? string.Empty;
        if (request.Method == "POST" && path == "/auth/o2/token")
        {
            await TokenAsync(context);
            return;
        }

        if (request.Headers.ContainsKey("X-Amz-Target"))
        {
            await SqsAsync(context);
            return;
        }

        if (path.StartsWith(UploadPrefix, StringComparison.Ordinal) || path.StartsWith(DownloadPrefix, StringComparison.Ordinal))
        {
            await DocumentTransferAsync(context, path);
            return;
        }

        var operation = Operation(request.Method, path);
        if (operation is null)
        {
            await ErrorAsync(context, 404, "NotFound", $"{request.Method} {path} is not a Selling Partner API operation.");
            return;
        }

        bool allowed;
        AmazonRateLimit limit;
        lock (_gate)
        {
            _requests[operation] = _requests.GetValueOrDefault(operation) + 1;
            var bucket = Bucket(operation);
            limit = bucket.Limit;
            allowed = bucket.TryTake(_time.GetUtcNow());
            if (!allowed)
            {
                _throttled[operation] = _throttled.GetValueOrDefault(operation) + 1;
            }

            Settle();
        }

        // Every answer carries the operation's rate, throttled or not.
        context.Response.Headers[RateLimitHeader] = limit.Rate.ToString("0.0###", CultureInfo.InvariantCulture);
        if (!Authorized(request))
        {
            await ErrorAsync(context, 403, "Unauthorized", "Access to requested resource is denied.", "The access token you provided is revoked, malformed or invalid.");
            return;
        }

        if (!allowed)
        {
            await ErrorAsync(context, 429, "QuotaExceeded", "You exceeded your quota for the requested resource.");
            return;
        }

        switch (operation)
        {
            case AmazonRateLimit.GetListingsItem:
                await GetListingsItemAsync(context, path);
                break;
            case AmazonRateLimit.PatchListingsItem:
                await PatchListingsItemAsync(context, path);
                break;
            case AmazonRateLimit.SearchListingsItems:
                await SearchListingsItemsAsync(context, path);
                break;
            case AmazonRateLimit.GetOrders:
                await GetOrdersAsync(context);
                break;
            case AmazonRateLimit.GetOrderItems:
                await GetOrderItemsAsync(context, path);
                break;
            default:
                await FeedsAsync(context, operation, path);
                break;
        }
    }

    private static string? Operation(string method, string path)
    {
        if (path.StartsWith(ListingsPrefix, StringComparison.Ordinal))
        {
            var rest = path[ListingsPrefix.Length..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            return (method, slash) switch
            {
                ("GET", < 0) => AmazonRateLimit.SearchListingsItems,
                ("GET", _) => AmazonRateLimit.GetListingsItem,
                ("PATCH", > 0) => AmazonRateLimit.PatchListingsItem,
                _ => null,
            };
        }

        if (method == "GET" && path == OrdersPath)
        {
            return AmazonRateLimit.GetOrders;
        }

        if (method == "GET" && path.StartsWith(OrdersPath + "/", StringComparison.Ordinal) && path.EndsWith("/orderItems", StringComparison.Ordinal))
        {
            return AmazonRateLimit.GetOrderItems;
        }

        return (method, path) switch
        {
            ("POST", FeedsPrefix + "documents") => AmazonRateLimit.CreateFeedDocument,
            ("POST", FeedsPrefix + "feeds") => AmazonRateLimit.CreateFeed,
            ("GET", _) when path.StartsWith(FeedsPrefix + "feeds/", StringComparison.Ordinal) => AmazonRateLimit.GetFeed,
            ("GET", _) when path.StartsWith(FeedsPrefix + "documents/", StringComparison.Ordinal) => AmazonRateLimit.GetFeedDocument,
            _ => null,
        };
    }

    private bool Authorized(HttpRequest request)
    {
        var token = request.Headers["x-amz-access-token"].ToString();
        lock (_gate)
        {
            return token.Length > 0 && _accessTokens.TryGetValue(token, out var expires) && expires > _time.GetUtcNow();
        }
    }

    /// <summary>LWA: <c>grant_type=refresh_token</c> with the client's id and secret, form-encoded.</summary>
    private async Task TokenAsync(HttpContext context)
    {
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : null;
        if (form is null || form["grant_type"] != "refresh_token")
        {
            await SimulatorJson.WriteAsync(context, 400, new JsonObject { ["error"] = "unsupported_grant_type", ["error_description"] = "grant_type must be refresh_token." });
            return;
        }

        if (form["client_id"] != Options.ClientId || form["client_secret"] != Options.ClientSecret)
        {
            await SimulatorJson.WriteAsync(context, 401, new JsonObject { ["error"] = "invalid_client", ["error_description"] = "Client authentication failed" });
            return;
        }

        if (form["refresh_token"] != Options.RefreshToken)
        {
            await SimulatorJson.WriteAsync(context, 400, new JsonObject { ["error"] = "invalid_grant", ["error_description"] = "The request has an invalid grant parameter : refresh_token" });
            return;
        }

        string token;
        lock (_gate)
        {
            token = "Atza|" + _ids.NextGuid().ToString("N");
            _accessTokens[token] = _time.GetUtcNow() + Options.AccessTokenLifetime;
        }

        await SimulatorJson.WriteAsync(context, 200, new JsonObject
        {
            ["access_token"] = token,
            ["refresh_token"] = Options.RefreshToken,
            ["token_type"] = "bearer",
            ["expires_in"] = (long)Options.AccessTokenLifetime.TotalSeconds,
        });
    }

    private async Task GetListingsItemAsync(HttpContext context, string path)
    {
        if (!ListingPath(path, out var seller, out var sku) || seller != Options.SellerId || !MarketplaceGiven(context.Request))
        {
            await ErrorAsync(context, 400, "InvalidInput", "Invalid input: sellerId and marketplaceIds are required.");
            return;
        }

        JsonObject? item;
        lock (_gate)
        {
            item = _listings.TryGetValue(sku, out var listing) ? ItemJson(listing, Included(context.Request)) : null;
        }

        if (item is null)
        {
            await ErrorAsync(context, 404, "NOT_FOUND", $"SKU '{sku}' not found in marketplace {Options.MarketplaceId}");
            return;
        }

        await SimulatorJson.WriteAsync(context, 200, item);
    }

    private async Task SearchListingsItemsAsync(HttpContext context, string path)
    {
        var seller = Uri.UnescapeDataString(path[ListingsPrefix.Length..]);
        var query = context.Request.Query;
        if (seller != Options.SellerId || !MarketplaceGiven(context.Request))
        {
            await ErrorAsync(context, 400, "InvalidInput", "Invalid input: sellerId and marketplaceIds are required.");
            return;
        }

        var skus = query["identifiersType"] == "SKU" ? query["identifiers"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries) : null;
        if (skus is { Length: > SearchPageSize })
        {
            await ErrorAsync(context, 400, "InvalidInput", $"identifiers accepts at most {SearchPageSize} values.");
            return;
        }

        var pageSize = int.TryParse(query["pageSize"], CultureInfo.InvariantCulture, out var size) ? Math.Clamp(size, 1, SearchPageSize) : 10;
        var start = int.TryParse(query["pageToken"], CultureInfo.InvariantCulture, out var token) ? token : 0;
        JsonObject body;
        lock (_gate)
        {
            var matching = _listings.Values.Where(l => skus is null || skus.Contains(l.Sku, StringComparer.Ordinal)).OrderBy(l => l.Sku, StringComparer.Ordinal).ToList();
            var page = matching.Skip(start).Take(pageSize).ToList();
            var included = Included(context.Request);
            body = new JsonObject
            {
                ["numberOfResults"] = matching.Count,
                ["items"] = SimulatorJson.Array(page.Select(l => (JsonNode)ItemJson(l, included))),
            };
            if (start + page.Count < matching.Count)
            {
                body["pagination"] = new JsonObject { ["nextToken"] = (start + page.Count).ToString(CultureInfo.InvariantCulture) };
            }
        }

        await SimulatorJson.WriteAsync(context, 200, body);
    }

    /// <summary>Validates the whole request, answers <c>ACCEPTED</c> with a submission id, and applies the patches after
    /// the delay: the answer is receipt, not application.</summary>
    private async Task PatchListingsItemAsync(HttpContext context, string path)
    {
        if (!ListingPath(path, out var seller, out var sku) || seller != Options.SellerId || !MarketplaceGiven(context.Request))
        {
            await ErrorAsync(context, 400, "InvalidInput", "Invalid input: sellerId and marketplaceIds are required.");
            return;
        }

        var body = await SimulatorJson.TryReadAsync(context.Request, context.RequestAborted) as JsonObject;
        if (body is null || Text(body["productType"]) is null || body["patches"] is not JsonArray { Count: > 0 } patches)
        {
            await ErrorAsync(context, 400, "InvalidInput", "The body must be a JSON object with productType and a non-empty patches array.");
            return;
        }

        var (operations, problem) = ReadPatches(patches);
        string submissionId;
        JsonObject answer;
        lock (_gate)
        {
            submissionId = _ids.NextGuid().ToString("N");
            if (!_listings.ContainsKey(sku))
            {
                problem ??= $"SKU '{sku}' does not exist for this seller.";
            }

            answer = new JsonObject { ["sku"] = sku, ["status"] = problem is null ? "ACCEPTED" : "INVALID", ["submissionId"] = submissionId };
            answer["issues"] = problem is null
                ? new JsonArray()
                : new JsonArray(new JsonObject { ["code"] = "90220", ["message"] = problem, ["severity"] = "ERROR", ["attributeNames"] = new JsonArray("fulfillment_availability") });
            if (problem is null && context.Request.Query["mode"] != "VALIDATION_PREVIEW")
            {
                _pending.Add(new AmazonPendingPatch(sku, submissionId, operations, _time.GetUtcNow() + Options.PatchDelay));
            }
        }

        await SimulatorJson.WriteAsync(context, 200, answer);
        if (problem is null && operations.SelectMany(o => o.Value).FirstOrDefault(v => v.ChannelCode == MerchantChannel)?.Quantity is { } accepted)
        {
            PatchAccepted?.Invoke(sku, accepted);
        }
    }

    /// <summary>Reads the patches FuncSync's attribute needs: <c>/attributes/fulfillment_availability</c> with
    /// entries naming their channel code (a selector <c>merge</c> requires) and a non-negative quantity.</summary>
    internal static (IReadOnlyList<AmazonPatchOperation> Operations, string? Problem) ReadPatches(JsonArray patches)
    {
        var operations = new List<AmazonPatchOperation>();
        foreach (var patch in patches)
        {
            var op = Text(patch?["op"]);
            if (op is null || !PatchOps.Contains(op))
            {
                return (operations, "op must be add, replace, merge or delete.");
            }

            if (Text(patch!["path"]) != "/attributes/fulfillment_availability")
            {
                return (operations, $"The simulator serves only /attributes/fulfillment_availability, not {Text(patch["path"])}.");
            }

            var values = new List<AmazonAvailability>();
            foreach (var value in patch["value"] as JsonArray ?? [])
            {
                var code = Text(value?["fulfillment_channel_code"]);
                if (code is null)
                {
                    return (operations, "fulfillment_channel_code is required: it selects the entry to change.");
                }

                var quantity = (int?)value!["quantity"];
                if (quantity is < 0)
                {
                    return (operations, "quantity must be 0 or more.");
                }

                values.Add(new AmazonAvailability(code, quantity, (int?)value["lead_time_to_ship_max_days"]));
            }

            operations.Add(new AmazonPatchOperation(op, values));
        }

        return (operations, null);
    }

    /// <summary>Orders updated in a window, oldest change first, 100 a page; a page after the first is asked for by
    /// <c>NextToken</c>. An order shows only once its latest change has propagated (its previous version meanwhile).</summary>
    private async Task GetOrdersAsync(HttpContext context)
    {
        var query = context.Request.Query;
        if (!query["MarketplaceIds"].ToString().Split(',').Contains(Options.MarketplaceId, StringComparer.Ordinal))
        {
            await ErrorAsync(context, 400, "InvalidInput", "MarketplaceIds is required.");
            return;
        }

        var start = 0;
        DateTimeOffset after;
        DateTimeOffset? before = null;
        if (query["NextToken"].ToString() is { Length: > 0 } next)
        {
            var parts = next.Split('|');
            if (parts.Length != 3 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out start)
                || !DateTimeOffset.TryParse(parts[1], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out after))
            {
                await ErrorAsync(context, 400, "InvalidInput", "Invalid NextToken.");
                return;
            }

            before = parts[2].Length > 0 ? DateTimeOffset.Parse(parts[2], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal) : null;
        }
        else if (query.ContainsKey("CreatedAfter") && query.ContainsKey("LastUpdatedAfter"))
        {
            await ErrorAsync(context, 400, "InvalidInput", "CreatedAfter and LastUpdatedAfter cannot be combined.");
            return;
        }
        else if (!DateTimeOffset.TryParse(query["LastUpdatedAfter"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out after))
        {
            await ErrorAsync(context, 400, "InvalidInput", "Exactly one of CreatedAfter and LastUpdatedAfter is required (this simulator serves LastUpdatedAfter).");
            return;
        }
        else if (query["LastUpdatedBefore"].ToString() is { Length: > 0 } beforeText)
        {
            before = DateTimeOffset.Parse(beforeText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        }

        JsonObject payload;
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var shown = _orders.Values
                .Select(o => (Order: o, View: View(o, now)))
                .Where(x => x.View is { } v && v.LastUpdateDate >= after && (before is null || v.LastUpdateDate <= before))
                .OrderBy(x => x.View!.Value.LastUpdateDate).ThenBy(x => x.Order.Id, StringComparer.Ordinal)
                .ToList();
            var page = shown.Skip(start).Take(OrdersPageSize).ToList();
            payload = new JsonObject
            {
                ["Orders"] = SimulatorJson.Array(page.Select(x => (JsonNode)new JsonObject
                {
                    ["AmazonOrderId"] = x.Order.Id,
                    ["PurchaseDate"] = Iso(x.Order.PurchaseDate),
                    ["LastUpdateDate"] = Iso(x.View!.Value.LastUpdateDate),
                    ["OrderStatus"] = x.View.Value.Status,
                    ["FulfillmentChannel"] = x.Order.FulfillmentChannel,
                    ["MarketplaceId"] = Options.MarketplaceId,
                    ["IsBuyerRequestedCancel"] = x.View.Value.BuyerRequestedCancel,
                    ["NumberOfItemsUnshipped"] = x.Order.Lines.Sum(l => l.Quantity - l.QuantityShipped),
                    ["OrderTotal"] = Money(x.Order.Lines.Sum(l => (l.UnitPrice * l.Quantity) - l.PromotionDiscount)),
                })),
                ["LastUpdatedBefore"] = Iso(now - Options.OrderVisibilityDelay),
            };
            if (start + page.Count < shown.Count)
            {
                payload["NextToken"] = string.Create(CultureInfo.InvariantCulture, $"{start + page.Count}|{Iso(after)}|{(before is { } b ? Iso(b) : string.Empty)}");
            }
        }

        await SimulatorJson.WriteAsync(context, 200, new JsonObject { ["payload"] = payload });
    }

    /// <summary>The Orders API's Money: a currency code and the amount as a decimal string.</summary>
    private JsonObject Money(decimal amount) => new()
    {
        ["CurrencyCode"] = Options.Currency,
        ["Amount"] = decimal.Round(amount, 2).ToString("0.00", CultureInfo.InvariantCulture),
    };

    private async Task GetOrderItemsAsync(HttpContext context, string path)
    {
        var id = Uri.UnescapeDataString(path[(OrdersPath.Length + 1)..^"/orderItems".Length]);
        JsonObject? payload = null;
        lock (_gate)
        {
            if (_orders.TryGetValue(id, out var order) && View(order, _time.GetUtcNow()) is { } view)
            {
                payload = new JsonObject
                {
                    ["AmazonOrderId"] = order.Id,
                    ["OrderItems"] = SimulatorJson.Array(order.Lines.Select(l => (JsonNode)new JsonObject
                    {
                        ["ASIN"] = l.Asin,
                        ["SellerSKU"] = l.Sku,
                        ["OrderItemId"] = l.OrderItemId,
                        ["Title"] = _listings.TryGetValue(l.Sku, out var listing) ? listing.Title : l.Sku,
                        ["QuantityOrdered"] = l.Quantity,
                        ["QuantityShipped"] = l.QuantityShipped,
                        // ItemPrice is the unit price times the quantity; promotions are given apart, not taken off it.
                        ["ItemPrice"] = Money(l.UnitPrice * l.Quantity),
                        ["ItemTax"] = Money(0),
                        ["PromotionDiscount"] = Money(l.PromotionDiscount),
                        ["PromotionDiscountTax"] = Money(0),
                        ["ShippingPrice"] = Money(0),
                        ["BuyerRequestedCancel"] = new JsonObject
                        {
                            ["IsBuyerRequestedCancel"] = view.BuyerRequestedCancel ? "true" : "false",
                            ["BuyerCancelReason"] = view.BuyerRequestedCancel ? "Order placed by mistake" : string.Empty,
                        },
                    })),
                };
            }
        }

        if (payload is null)
        {
            await ErrorAsync(context, 404, "NotFound", $"Order {id} not found.");
            return;
        }

        await SimulatorJson.WriteAsync(context, 200, new JsonObject { ["payload"] = payload });
    }

    /// <summary>What the Orders API shows of an order now: its latest version once propagated, the previous one before.</summary>
    private static (string Status, DateTimeOffset LastUpdateDate, bool BuyerRequestedCancel)? View(AmazonOrder order, DateTimeOffset now) =>
        order.VisibleAt <= now ? (order.Status, order.LastUpdateDate, order.IsBuyerRequestedCancel) : order.Previous;

    private JsonObject ItemJson(AmazonListing listing, HashSet<string> included)
    {
        var item = new JsonObject { ["sku"] = listing.Sku };
        if (included.Contains("summaries"))
        {
            item["summaries"] = new JsonArray(new JsonObject
            {
                ["marketplaceId"] = Options.MarketplaceId,
                ["asin"] = listing.Asin,
                ["productType"] = listing.ProductType,
                ["status"] = new JsonArray("BUYABLE", "DISCOVERABLE"),
                ["itemName"] = listing.Title,
            });
        }

        if (included.Contains("attributes"))
        {
            item["attributes"] = new JsonObject
            {
                ["fulfillment_availability"] = SimulatorJson.Array(listing.Availability.Select(a =>
                {
                    var entry = new JsonObject { ["fulfillment_channel_code"] = a.ChannelCode };
                    if (a.Quantity is { } quantity)
                    {
                        entry["quantity"] = quantity;
                    }

                    if (a.LeadTimeToShipMaxDays is { } lead)
                    {
                        entry["lead_time_to_ship_max_days"] = lead;
                    }

                    return (JsonNode)entry;
                })),
            };
        }

        if (included.Contains("fulfillmentAvailability"))
        {
            item["fulfillmentAvailability"] = SimulatorJson.Array(listing.Availability.Select(a =>
                (JsonNode)new JsonObject { ["fulfillmentChannelCode"] = a.ChannelCode, ["quantity"] = a.Quantity ?? 0 }));
        }

        if (included.Contains("issues"))
        {
            item["issues"] = new JsonArray();
        }

        return item;
    }

    /// <summary><c>includedData</c>; Amazon's default is summaries only.</summary>
    private static HashSet<string> Included(HttpRequest request) =>
        request.Query["includedData"].ToString() is { Length: > 0 } text
            ? new HashSet<string>(text.Split(','), StringComparer.Ordinal)
            : new HashSet<string>(StringComparer.Ordinal) { "summaries" };

    private bool MarketplaceGiven(HttpRequest request) =>
        request.Query["marketplaceIds"].ToString().Split(',').Contains(Options.MarketplaceId, StringComparer.Ordinal);

    private static bool ListingPath(string path, out string seller, out string sku)
    {
        var parts = path[ListingsPrefix.Length..].Split('/');
        (seller, sku) = parts.Length == 2 ? (Uri.UnescapeDataString(parts[0]), Uri.UnescapeDataString(parts[1])) : (string.Empty, string.Empty);
        return parts.Length == 2;
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text) ? text : null;

    /// <summary>The Selling Partner API's error shape.</summary>
    private static Task ErrorAsync(HttpContext context, int status, string code, string message, string details = "") =>
        SimulatorJson.WriteAsync(context, status, new JsonObject
        {
            ["errors"] = new JsonArray(new JsonObject { ["code"] = code, ["message"] = message, ["details"] = details }),
        });
}

using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using FuncSync.Simulators.Hosting;
using Microsoft.AspNetCore.Http;

namespace FuncSync.Simulators.Ebay;

/// <summary>The HTTP side: eBay's REST paths, OAuth, the daily call quota and eBay's error shape
/// <c>{errors:[{errorId,domain,category,message}]}</c>.</summary>
public sealed partial class EbaySimulator
{
    /// <summary>Offers one bulk update may carry for its SKU.</summary>
    public const int MaxOffersPerUpdate = 25;

    private const string InventoryPath = "/sell/inventory/v1/";
    private const string OrderPath = "/sell/fulfillment/v1/order";
    private const string PublicKeyPath = "/commerce/notification/v1/public_key/";

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? string.Empty;
        if (request.Method == "POST" && path == "/identity/v1/oauth2/token")
        {
            await TokenAsync(context);
            return;
        }

        // The Post-Order API takes the same OAuth user token, as "IAF <token>".
        if (!IsAuthorized(request, path.StartsWith(ReturnPath, StringComparison.Ordinal) ? "IAF " : "Bearer "))
        {
            await ErrorAsync(context, 401, 1001, "OAuth", "Invalid access token. Check the value of the Authorization HTTP request header.");
            return;
        }

        if (!CountCall())
        {
            await ErrorAsync(context, 429, 2001, "ACCESS", "Too many requests. The request limit has been reached for the resource.");
            return;
        }

        switch (request.Method, path)
        {
            case ("GET", _) when path.StartsWith(ReturnPath, StringComparison.Ordinal):
                await HandleReturnsAsync(context, path);
                break;
            case ("GET", _) when path.StartsWith(PublicKeyPath, StringComparison.Ordinal):
                await PublicKeyAsync(context, path[PublicKeyPath.Length..]);
                break;
            case ("GET", InventoryPath + "inventory_item"):
                await ListItemsAsync(context);
                break;
            case ("GET", _) when path.StartsWith(InventoryPath + "inventory_item/", StringComparison.Ordinal):
                await GetItemAsync(context, Uri.UnescapeDataString(path[(InventoryPath + "inventory_item/").Length..]));
                break;
            case ("GET", InventoryPath + "offer"):
                await GetOffersAsync(context);
                break;
            case ("POST", InventoryPath + "bulk_update_price_quantity"):
                await BulkUpdateAsync(context);
                break;
            case ("GET", OrderPath):
                await GetOrdersAsync(context);
                break;
            case ("GET", _) when path.StartsWith(OrderPath + "/", StringComparison.Ordinal):
                await GetOrderAsync(context, Uri.UnescapeDataString(path[(OrderPath.Length + 1)..]));
                break;
            case ("GET", "/sell/account/v1/program/get_opted_in_programs"):
                await OptedInProgramsAsync(context);
                break;
            default:
                await ErrorAsync(context, 404, 2002, "API_INVENTORY", $"{request.Method} {path} is not a resource.");
                break;
        }
    }

    /// <summary>Client credentials (an application token) or a refresh token grant (a user token), authenticated with
    /// the keyset as HTTP Basic credentials; a refresh answers no new refresh token.</summary>
    private async Task TokenAsync(HttpContext context)
    {
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(Options.ClientId + ":" + Options.ClientSecret));
        if (!string.Equals(context.Request.Headers.Authorization.ToString(), expected, StringComparison.Ordinal) || !context.Request.HasFormContentType)
        {
            await OAuthErrorAsync(context, 401, "invalid_client", "client authentication failed");
            return;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var grant = form["grant_type"].ToString();
        if (grant == "refresh_token" && !string.Equals(form["refresh_token"].ToString(), Options.RefreshToken, StringComparison.Ordinal))
        {
            await OAuthErrorAsync(context, 400, "invalid_grant", "the provided authorization refresh token is invalid or was issued to another client");
            return;
        }

        if (grant is not ("refresh_token" or "client_credentials"))
        {
            await OAuthErrorAsync(context, 400, "unsupported_grant_type", "grant type in request is not supported by the authorization server");
            return;
        }

        string token;
        lock (_gate)
        {
            token = "v^1.1#i^1#p^3#" + (grant == "refresh_token" ? "user#" : "app#") + _ids.NextGuid().ToString("N");
            _accessTokens[token] = _time.GetUtcNow() + Options.AccessTokenLifetime;
        }

        await SimulatorJson.WriteAsync(context, 200, new JsonObject
        {
            ["access_token"] = token,
            ["expires_in"] = (int)Options.AccessTokenLifetime.TotalSeconds,
            ["token_type"] = grant == "refresh_token" ? "User Access Token" : "Application Access Token",
        });
    }

    private bool IsAuthorized(HttpRequest request, string scheme)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith(scheme, StringComparison.Ordinal))
        {
            return false;
        }

        lock (_gate)
        {
            return _accessTokens.TryGetValue(header[scheme.Length..], out var expires) && expires > _time.GetUtcNow();
        }
    }

    private bool CountCall()
    {
        lock (_gate)
        {
            var today = Today();
            var used = _calls.GetValueOrDefault(today);
            if (used >= Options.DailyCallQuota)
            {
                return false;
            }

            _calls[today] = used + 1;
            return true;
        }
    }

    private async Task PublicKeyAsync(HttpContext context, string kid)
    {
        if (kid != KeyId)
        {
            await ErrorAsync(context, 404, 195001, "API_NOTIFICATION", "The specified public key was not found.");
            return;
        }

        string key;
        lock (_gate)
        {
            // eBay serves the PEM on one line, markers and base64 run together.
            key = "-----BEGIN PUBLIC KEY-----" + Convert.ToBase64String(_signingKey.ExportSubjectPublicKeyInfo()) + "-----END PUBLIC KEY-----";
        }

        await SimulatorJson.WriteAsync(context, 200, new JsonObject { ["algorithm"] = "ECDSA", ["digest"] = "SHA256", ["key"] = key });
    }

    private async Task GetItemAsync(HttpContext context, string sku)
    {
        JsonObject? item;
        lock (_gate)
        {
            item = _items.TryGetValue(sku, out var found) ? ItemJson(found) : null;
        }

        await (item is null
            ? ErrorAsync(context, 404, 25710, "API_INVENTORY", "We didn't find the resource/entity you are requesting. Please verify the request")
            : SimulatorJson.WriteAsync(context, 200, item));
    }

    private async Task ListItemsAsync(HttpContext context)
    {
        var limit = Number(context.Request.Query["limit"], 25, 1, 200);
        var offset = Number(context.Request.Query["offset"], 0, 0, int.MaxValue);
        JsonObject page;
        lock (_gate)
        {
            var all = _items.Values.OrderBy(i => i.Sku, StringComparer.Ordinal).ToList();
            page = new JsonObject
            {
                ["total"] = all.Count,
                ["size"] = Math.Max(0, Math.Min(limit, all.Count - offset)),
                ["limit"] = limit,
                ["inventoryItems"] = SimulatorJson.Array(all.Skip(offset).Take(limit).Select(ItemJson)),
            };
            if (offset + limit < all.Count)
            {
                page["next"] = string.Create(CultureInfo.InvariantCulture, $"{InventoryPath}inventory_item?limit={limit}&offset={offset + limit}");
            }
        }

        await SimulatorJson.WriteAsync(context, 200, page);
    }

    private async Task GetOffersAsync(HttpContext context)
    {
        var sku = context.Request.Query["sku"].ToString();
        JsonObject? offers;
        lock (_gate)
        {
            offers = _items.TryGetValue(sku, out var item)
                ? new JsonObject { ["total"] = 1, ["size"] = 1, ["limit"] = 100, ["offers"] = new JsonArray(OfferJson(item)) }
                : null;
        }

        await (offers is null
            ? ErrorAsync(context, 404, 25713, "API_INVENTORY", "This Offer is not available : " + sku + ".")
            : SimulatorJson.WriteAsync(context, 200, offers));
    }

    /// <summary>Sets an inventory item's ship-to-home quantity and its offers' available quantities. The stricter reading
    /// of eBay's documentation: one SKU per call, up to 25 of its offers. Each accepted update revises the offer's
    /// listing once; a listing past its day's revisions is refused item by item, as a removed variation is.</summary>
    private async Task BulkUpdateAsync(HttpContext context)
    {
        Interlocked.Increment(ref _bulkUpdates);
        if (await SimulatorJson.TryReadAsync(context.Request, context.RequestAborted) is not JsonObject body || body["requests"] is not JsonArray { Count: > 0 } requests)
        {
            await ErrorAsync(context, 400, 25709, "API_INVENTORY", "Invalid value for requests. The request must carry one entry.");
            return;
        }

        if (requests.Count > 1)
        {
            await ErrorAsync(context, 400, 25002, "API_INVENTORY", "A user error has occurred. Only one SKU (one product) can be updated per call.");
            return;
        }

        var entry = requests[0] as JsonObject;
        var sku = (string?)entry?["sku"];
        var offers = entry?["offers"] as JsonArray ?? [];
        if (sku is null || offers.Count > MaxOffersPerUpdate)
        {
            await ErrorAsync(context, 400, 25709, "API_INVENTORY", $"Invalid value for sku or offers: one SKU and at most {MaxOffersPerUpdate} offers.");
            return;
        }

        var responses = new JsonArray();
        (string Sku, int Shown)? revised = null;
        lock (_gate)
        {
            if (!_items.TryGetValue(sku, out var item))
            {
                responses.Add(ItemError(sku, null, 404, 25710, "We didn't find the resource/entity you are requesting."));
            }
            else if (item.Removed)
            {
                responses.Add(ItemError(sku, null, 400, 25002, "A user error has occurred. SKU mismatch: the variation was removed from the listing when it sold out (Out-of-Stock Control is off)."));
            }
            else if (_revisions.GetValueOrDefault((item.ListingId, Today())) >= Options.RevisionsPerListingPerDay)
            {
                Interlocked.Increment(ref _revisionsRefused);
                responses.Add(ItemError(sku, null, 400, 25002, $"A user error has occurred. This listing has been revised the maximum of {Options.RevisionsPerListingPerDay} times today; revise it again tomorrow."));
            }
            else
            {
                var shipTo = (int?)entry!["shipToLocationAvailability"]?["quantity"];
                var mismatch = offers.FirstOrDefault(o => (string?)o?["offerId"] != item.OfferId);
                if (mismatch is not null || shipTo is < 0)
                {
                    responses.Add(ItemError(sku, (string?)mismatch?["offerId"], 400, 25709, "Invalid value for offerId or quantity: the offer must belong to the SKU and quantities be 0 or more."));
                }
                else
                {
                    var offerQuantity = offers.Select(o => (int?)o?["availableQuantity"]).FirstOrDefault(q => q is not null);
                    if (shipTo is { } total)
                    {
                        item.ShipTo = total;
                    }

                    if (offerQuantity is { } available)
                    {
                        item.Available = Math.Max(0, available);
                    }

                    _revisions[(item.ListingId, Today())] = _revisions.GetValueOrDefault((item.ListingId, Today())) + 1;
                    RemoveIfSoldOut(item);
                    revised = (sku, item.Shown);
                    responses.Add(new JsonObject { ["statusCode"] = 200, ["sku"] = sku });
                    foreach (var offer in offers)
                    {
                        responses.Add(new JsonObject { ["statusCode"] = 200, ["sku"] = sku, ["offerId"] = (string?)offer?["offerId"] });
                    }
                }
            }
        }

        if (revised is { } done)
        {
            QuantityRevised?.Invoke(done.Sku, done.Shown);
        }

        await SimulatorJson.WriteAsync(context, 200, new JsonObject { ["responses"] = responses });
    }

    /// <summary><c>filter=lastmodifieddate:[from..to]</c> (to optional), paged by limit and offset; orders awaiting
    /// payment are not listed (every simulated checkout is paid).</summary>
    private async Task GetOrdersAsync(HttpContext context)
    {
        var filter = context.Request.Query["filter"].ToString();
        DateTimeOffset? from = null;
        DateTimeOffset? to = null;
        const string Prefix = "lastmodifieddate:[";
        if (filter.Length > 0)
        {
            var range = filter.StartsWith(Prefix, StringComparison.Ordinal) && filter.EndsWith(']') ? filter[Prefix.Length..^1].Split("..") : [];
            if (range.Length != 2 || !TryTime(range[0], out var start) || (range[1].Length > 0 && !TryTime(range[1], out _)))
            {
                await ErrorAsync(context, 400, 30700, "API_FULFILLMENT", "Invalid filter: use lastmodifieddate:[from..to] with ISO 8601 UTC times.");
                return;
            }

            from = start;
            to = range[1].Length > 0 && TryTime(range[1], out var end) ? end : null;
        }

        var limit = Number(context.Request.Query["limit"], 50, 1, 200);
        var offset = Number(context.Request.Query["offset"], 0, 0, int.MaxValue);
        JsonObject page;
        lock (_gate)
        {
            var matching = _orders.Values
                .Where(o => (from is null || o.LastModified >= from) && (to is null || o.LastModified <= to))
                .OrderBy(o => o.LastModified)
                .ThenBy(o => o.OrderId, StringComparer.Ordinal)
                .ToList();
            page = new JsonObject
            {
                ["total"] = matching.Count,
                ["limit"] = limit,
                ["offset"] = offset,
                ["orders"] = SimulatorJson.Array(matching.Skip(offset).Take(limit).Select(OrderJson)),
            };
            if (offset + limit < matching.Count)
            {
                page["next"] = string.Create(CultureInfo.InvariantCulture, $"{OrderPath}?filter={Uri.EscapeDataString(filter)}&limit={limit}&offset={offset + limit}");
            }
        }

        await SimulatorJson.WriteAsync(context, 200, page);
    }

    private async Task GetOrderAsync(HttpContext context, string orderId)
    {
        JsonObject? order;
        lock (_gate)
        {
            order = _orders.TryGetValue(orderId, out var found) ? OrderJson(found) : null;
        }

        await (order is null
            ? ErrorAsync(context, 404, 32100, "API_FULFILLMENT", "Invalid order ID: " + orderId)
            : SimulatorJson.WriteAsync(context, 200, order));
    }

    private async Task OptedInProgramsAsync(HttpContext context)
    {
        var programs = new JsonArray();
        if (Options.OutOfStockControl)
        {
            programs.Add(new JsonObject { ["programType"] = "OUT_OF_STOCK_CONTROL" });
        }

        programs.Add(new JsonObject { ["programType"] = "SELLING_POLICY_MANAGEMENT" });
        await SimulatorJson.WriteAsync(context, 200, new JsonObject { ["programs"] = programs });
    }

    private JsonObject ItemJson(EbayItem item) => new()
    {
        ["sku"] = item.Sku,
        ["locale"] = "en_US",
        ["product"] = new JsonObject { ["title"] = item.Title },
        ["condition"] = "NEW",
        ["availability"] = new JsonObject { ["shipToLocationAvailability"] = new JsonObject { ["quantity"] = Math.Max(0, item.ShipTo) } },
    };

    private JsonObject OfferJson(EbayItem item) => new()
    {
        ["offerId"] = item.OfferId,
        ["sku"] = item.Sku,
        ["marketplaceId"] = Options.MarketplaceId,
        ["format"] = "FIXED_PRICE",
        ["availableQuantity"] = Math.Max(0, item.Available),
        ["status"] = "PUBLISHED",
        ["listing"] = new JsonObject { ["listingId"] = item.ListingId, ["listingStatus"] = item.Removed ? "OUT_OF_STOCK" : "ACTIVE" },
    };

    private JsonObject OrderJson(EbayOrder order)
    {
        var cancelled = order.CancelState == "CANCELED";
        return new JsonObject
        {
            ["orderId"] = order.OrderId,
            ["legacyOrderId"] = order.OrderId,
            ["creationDate"] = Time(order.Created),
            ["lastModifiedDate"] = Time(order.LastModified),
            ["orderFulfillmentStatus"] = "NOT_STARTED",
            ["orderPaymentStatus"] = cancelled ? "FULLY_REFUNDED" : "PAID",
            ["sellerId"] = Options.SellerUserName,
            ["cancelStatus"] = new JsonObject
            {
                ["cancelState"] = order.CancelState,
                ["cancelRequests"] = cancelled
                    ? new JsonArray(new JsonObject { ["cancelRequestState"] = "COMPLETED", ["cancelCompletedDate"] = Time(order.CancelledAt!.Value), ["cancelInitiator"] = "SELLER" })
                    : new JsonArray(),
            },
            ["pricingSummary"] = new JsonObject
            {
                ["priceSubtotal"] = Amount(order.Lines.Sum(l => l.Cost)),
                ["priceDiscount"] = Amount(-order.Lines.Sum(l => l.Discount)),
                ["deliveryCost"] = Amount(0),
                ["total"] = Amount(order.Lines.Sum(l => l.Cost - l.Discount)),
            },
            ["lineItems"] = SimulatorJson.Array(order.Lines.Select(LineItemJson)),
        };
    }

    /// <summary>A line's prices as the Fulfillment API gives them: <c>lineItemCost</c> is unit price × quantity before
    /// discounts; <c>discountedLineItemCost</c> and <c>appliedPromotions</c> only when a promotion took something off;
    /// <c>total</c> is what the buyer pays for the line with delivery and taxes (none here).</summary>
    private JsonNode LineItemJson(EbayLine line)
    {
        var json = new JsonObject
        {
            ["lineItemId"] = line.LineItemId,
            ["legacyItemId"] = line.ListingId,
            ["sku"] = line.Sku,
            ["title"] = line.Title,
            ["quantity"] = line.Quantity,
            ["lineItemCost"] = Amount(line.Cost),
            ["appliedPromotions"] = line.Discount > 0
                ? new JsonArray(new JsonObject { ["description"] = "Markdown sale", ["discountAmount"] = Amount(line.Discount), ["promotionId"] = "5000000001" })
                : new JsonArray(),
            ["deliveryCost"] = new JsonObject { ["shippingCost"] = Amount(0) },
            ["taxes"] = new JsonArray(),
            ["total"] = Amount(line.Cost - line.Discount),
            ["lineItemFulfillmentStatus"] = "NOT_STARTED",
        };
        if (line.Discount > 0)
        {
            json["discountedLineItemCost"] = Amount(line.Cost - line.Discount);
        }

        return json;
    }

    /// <summary>eBay's Amount: the value as a decimal string, and its currency.</summary>
    private JsonObject Amount(decimal value) => new()
    {
        ["value"] = decimal.Round(value, 2).ToString("0.00", CultureInfo.InvariantCulture),
        ["currency"] = Options.Currency,
    };

    private static JsonObject ItemError(string sku, string? offerId, int status, int errorId, string message)
    {
        var response = new JsonObject
        {
            ["statusCode"] = status,
            ["sku"] = sku,
            ["errors"] = new JsonArray(Error(errorId, "API_INVENTORY", message)),
        };
        if (offerId is not null)
        {
            response["offerId"] = offerId;
        }

        return response;
    }

    private static JsonObject Error(int errorId, string domain, string message) => new()
    {
        ["errorId"] = errorId,
        ["domain"] = domain,
        ["category"] = "REQUEST",
        ["message"] = message,
    };

    private static Task ErrorAsync(HttpContext context, int status, int errorId, string domain, string message) =>
        SimulatorJson.WriteAsync(context, status, new JsonObject { ["errors"] = new JsonArray(Error(errorId, domain, message)) });

    private static Task OAuthErrorAsync(HttpContext context, int status, string error, string description) =>
        SimulatorJson.WriteAsync(context, status, new JsonObject { ["error"] = error, ["error_description"] = description });

    private static int Number(string? text, int fallback, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? Math.Clamp(n, min, max) : fallback;

    private static bool TryTime(string text, out DateTimeOffset at) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out at);
}

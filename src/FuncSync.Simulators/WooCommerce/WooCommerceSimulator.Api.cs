using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FuncSync.Simulators.Hosting;
using Microsoft.AspNetCore.Http;

namespace FuncSync.Simulators.WooCommerce;

/// <summary>The HTTP side: REST v3 paths under <c>/wp-json/wc/v3/</c>, Basic authentication with the consumer key and
/// secret, pagination headers, the batch limit, and WooCommerce's error shape <c>{code, message, data:{status}}</c>.</summary>
public sealed partial class WooCommerceSimulator
{
    private const string Prefix = "/wp-json/wc/v3/";
    private const int MaxPerPage = 100;
    private static readonly string[] BatchParts = ["create", "update", "delete"];

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? string.Empty;
        if (!path.StartsWith(Prefix, StringComparison.Ordinal))
        {
            await ErrorAsync(context, 404, "rest_no_route", "No route was found matching the URL and request method.");
            return;
        }

        if (Authenticate(request) is { } refusal)
        {
            await ErrorAsync(context, 401, refusal.Code, refusal.Message);
            return;
        }

        var parts = path[Prefix.Length..].Trim('/').Split('/');
        switch (request.Method, parts)
        {
            case ("GET", ["products"]):
                await ListAsync(context, ListHolders(h => h.ParentId is null, request.Query["sku"]));
                break;
            case ("GET", ["products", var id]) when Id(id) is { } productId:
                await GetHolderAsync(context, productId, null);
                break;
            case ("PUT" or "POST" or "PATCH", ["products", var id]) when Id(id) is { } productId:
                await UpdateOneAsync(context, productId, null);
                break;
            case ("POST", ["products", "batch"]):
                await BatchAsync(context, null);
                break;
            case ("GET", ["products", var id, "variations"]) when Id(id) is { } productId:
                await ListAsync(context, ListHolders(h => h.ParentId == productId, request.Query["sku"]));
                break;
            case ("GET", ["products", var id, "variations", var vid]) when Id(id) is { } productId && Id(vid) is { } variationId:
                await GetHolderAsync(context, variationId, productId);
                break;
            case ("PUT" or "POST" or "PATCH", ["products", var id, "variations", var vid]) when Id(id) is { } productId && Id(vid) is { } variationId:
                await UpdateOneAsync(context, variationId, productId);
                break;
            case ("POST", ["products", var id, "variations", "batch"]) when Id(id) is { } productId:
                await BatchAsync(context, productId);
                break;
            case ("GET", ["orders"]):
                await ListOrdersAsync(context);
                break;
            case ("GET", ["orders", var id]) when Id(id) is { } orderId:
                await GetOrderAsync(context, orderId);
                break;
            case ("GET", ["webhooks"]):
                await ListWebhooksAsync(context);
                break;
            case ("GET", ["webhooks", var id]) when Id(id) is { } webhookId:
                await GetWebhookAsync(context, webhookId);
                break;
            default:
                await ErrorAsync(context, 404, "rest_no_route", "No route was found matching the URL and request method.");
                break;
        }
    }

    /// <summary>Basic credentials (the consumer key as user name, the secret as password), as WooCommerce takes them
    /// over HTTPS; the codes and messages of <c>WC_REST_Authentication</c>.</summary>
    private (string Code, string Message)? Authenticate(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var header) || header.Scheme != "Basic" || header.Parameter is null)
        {
            return ("woocommerce_rest_cannot_view", "Sorry, you cannot list resources.");
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
        }
        catch (FormatException)
        {
            return ("woocommerce_rest_cannot_view", "Sorry, you cannot list resources.");
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        var (key, secret) = colon < 0 ? (decoded, string.Empty) : (decoded[..colon], decoded[(colon + 1)..]);
        if (!Same(key, Options.ConsumerKey))
        {
            return ("woocommerce_rest_authentication_error", "Consumer key is invalid.");
        }

        return Same(secret, Options.ConsumerSecret) ? null : ("woocommerce_rest_authentication_error", "Consumer secret is invalid.");
    }

    private static bool Same(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));

    private List<JsonObject> ListHolders(Func<WooStockHolder, bool> filter, string? sku)
    {
        lock (_gate)
        {
            return [.. _holders.Values.Where(filter).Where(h => string.IsNullOrEmpty(sku) || h.Sku == sku).OrderBy(h => h.Id).Select(ProductJson)];
        }
    }

    private async Task GetHolderAsync(HttpContext context, long id, long? parentId)
    {
        JsonObject? json;
        lock (_gate)
        {
            json = _holders.TryGetValue(id, out var holder) && holder.ParentId == parentId ? ProductJson(holder) : null;
        }

        if (json is null)
        {
            await InvalidIdAsync(context, parentId is null ? "product" : "product_variation");
            return;
        }

        await SimulatorJson.WriteAsync(context, 200, json);
    }

    private async Task UpdateOneAsync(HttpContext context, long id, long? parentId)
    {
        if (await SimulatorJson.TryReadAsync(context.Request, context.RequestAborted) is not JsonObject body)
        {
            await ErrorAsync(context, 400, "rest_invalid_json", "Invalid JSON body passed.");
            return;
        }

        var (status, json) = Update(id, parentId, body);
        await SimulatorJson.WriteAsync(context, status, json);
    }

    /// <summary><c>check_batch_limit</c> then each update in turn; a failing item answers its own error in place and the
    /// others still apply. Only updates are served (FuncSync neither creates nor deletes products).</summary>
    private async Task BatchAsync(HttpContext context, long? parentId)
    {
        if (await SimulatorJson.TryReadAsync(context.Request, context.RequestAborted) is not JsonObject body)
        {
            await ErrorAsync(context, 400, "rest_invalid_json", "Invalid JSON body passed.");
            return;
        }

        var total = BatchParts.Sum(k => (body[k] as JsonArray)?.Count ?? 0);
        if (total > Options.BatchLimit)
        {
            await ErrorAsync(context, 413, "woocommerce_rest_request_entity_too_large", string.Create(CultureInfo.InvariantCulture, $"Unable to accept more than {Options.BatchLimit} items for this request."));
            return;
        }

        if (parentId is { } parent && !HolderExists(parent, null))
        {
            await InvalidIdAsync(context, "product");
            return;
        }

        Interlocked.Increment(ref _batchCalls);
        Interlocked.Add(ref _batchItems, total);
        var updated = new JsonArray();
        foreach (var item in body["update"] as JsonArray ?? [])
        {
            if (item is not JsonObject update || Id((string?)update["id"]?.ToString()) is not { } id)
            {
                updated.Add(ItemError(0, 400, "woocommerce_rest_product_invalid_id", "Invalid ID."));
                continue;
            }

            var (status, json) = Update(id, parentId, update);
            updated.Add(status == 200 ? json : new JsonObject { ["id"] = id, ["error"] = json });
        }

        await SimulatorJson.WriteAsync(context, 200, new JsonObject { ["create"] = new JsonArray(), ["update"] = updated, ["delete"] = new JsonArray() });
    }

    private bool HolderExists(long id, long? parentId)
    {
        lock (_gate)
        {
            return _holders.TryGetValue(id, out var holder) && holder.ParentId == parentId;
        }
    }

    /// <summary>Sets <c>manage_stock</c>, <c>stock_quantity</c> and <c>backorders</c>; a REST save fires
    /// <c>product.updated</c> like any other save.</summary>
    private (int Status, JsonObject Json) Update(long id, long? parentId, JsonObject body)
    {
        JsonObject json;
        long resource;
        int? written = null;
        lock (_gate)
        {
            if (!_holders.TryGetValue(id, out var holder) || holder.ParentId != parentId)
            {
                var kind = parentId is null ? "product" : "product_variation";
                return (404, Error("woocommerce_rest_" + kind + "_invalid_id", "Invalid ID.", 404));
            }

            if (body["manage_stock"] is JsonValue manage && manage.TryGetValue<bool>(out var manageStock))
            {
                holder.ManageStock = manageStock;
            }

            if (body["backorders"] is JsonValue backorders && backorders.TryGetValue<string>(out var allowed))
            {
                if (allowed is not ("no" or "notify" or "yes"))
                {
                    return (400, Error("rest_invalid_param", "Invalid parameter(s): backorders", 400));
                }

                holder.Backorders = allowed;
            }

            if (body.ContainsKey("stock_quantity"))
            {
                if (body["stock_quantity"] is not JsonValue value || !value.TryGetValue<int>(out var quantity))
                {
                    return (400, Error("rest_invalid_param", "Invalid parameter(s): stock_quantity", 400));
                }

                holder.StockQuantity = quantity;
                written = quantity;
            }

            holder.Modified = Now();
            json = ProductJson(holder);
            resource = ProductResource(holder);
        }

        if (written is not null)
        {
            StockWritten?.Invoke(id, written);
        }

        // Fire and forget as WordPress does: the delivery is queued, the REST answer does not wait for it.
        _ = Task.Run(() => FireAsync(ProductUpdated, resource, CancellationToken.None));
        return (200, json);
    }

    /// <summary><c>GET /orders</c>: <c>modified_after</c> / <c>modified_before</c> (exclusive; GMT when
    /// <c>dates_are_gmt</c>), <c>status</c>, <c>product</c>, <c>orderby</c> (date, id, modified) and <c>order</c>,
    /// <c>per_page</c> (at most 100) and <c>page</c>.</summary>
    private async Task ListOrdersAsync(HttpContext context)
    {
        var query = context.Request.Query;
        DateTimeOffset? after = null, before = null;
        if (query["modified_after"].ToString() is { Length: > 0 } a)
        {
            if (!WooTime.TryParse(a, out var parsed))
            {
                await ErrorAsync(context, 400, "rest_invalid_param", "Invalid parameter(s): modified_after");
                return;
            }

            after = parsed;
        }

        if (query["modified_before"].ToString() is { Length: > 0 } b)
        {
            if (!WooTime.TryParse(b, out var parsed))
            {
                await ErrorAsync(context, 400, "rest_invalid_param", "Invalid parameter(s): modified_before");
                return;
            }

            before = parsed;
        }

        var product = Id(query["product"]);
        var status = query["status"].ToString();
        var orderBy = query["orderby"].ToString() is { Length: > 0 } o ? o : "date";
        if (orderBy is not ("date" or "id" or "modified" or "include" or "title" or "slug"))
        {
            await ErrorAsync(context, 400, "rest_invalid_param", "Invalid parameter(s): orderby");
            return;
        }

        List<JsonObject> orders;
        lock (_gate)
        {
            IEnumerable<WooOrder> selected = _orders.Values
                .Where(x => after is null || x.Modified > after)
                .Where(x => before is null || x.Modified < before)
                .Where(x => status.Length == 0 || status == "any" || x.Status == status)
                .Where(x => product is null || x.Lines.Any(l => (l.Holder.ParentId ?? l.Holder.Id) == product));
            Func<WooOrder, object> key = orderBy switch
            {
                "modified" => x => x.Modified,
                "id" or "include" => x => x.Id,
                _ => x => x.Created,
            };
            selected = query["order"].ToString() == "asc"
                ? selected.OrderBy(key).ThenBy(x => x.Id)
                : selected.OrderByDescending(key).ThenByDescending(x => x.Id);
            orders = [.. selected.Select(x => x.ToJson())];
        }

        await ListAsync(context, orders);
    }

    private async Task GetOrderAsync(HttpContext context, long id)
    {
        JsonObject? json;
        lock (_gate)
        {
            json = _orders.TryGetValue(id, out var order) ? order.ToJson() : null;
        }

        if (json is null)
        {
            await InvalidIdAsync(context, "shop_order");
            return;
        }

        await SimulatorJson.WriteAsync(context, 200, json);
    }

    /// <summary>A page of a collection with WordPress's <c>X-WP-Total</c> and <c>X-WP-TotalPages</c>.</summary>
    private static async Task ListAsync(HttpContext context, List<JsonObject> items)
    {
        var query = context.Request.Query;
        var perPage = Id(query["per_page"]) ?? 10;
        var page = Id(query["page"]) ?? 1;
        if (perPage is < 1 or > MaxPerPage)
        {
            await ErrorAsync(context, 400, "rest_invalid_param", "Invalid parameter(s): per_page");
            return;
        }

        if (page < 1)
        {
            await ErrorAsync(context, 400, "rest_invalid_param", "Invalid parameter(s): page");
            return;
        }

        var totalPages = (items.Count + perPage - 1) / perPage;
        if (page > 1 && page > totalPages)
        {
            await ErrorAsync(context, 400, "rest_post_invalid_page_number", "The page number requested is larger than the number of pages available.");
            return;
        }

        context.Response.Headers["X-WP-Total"] = items.Count.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["X-WP-TotalPages"] = totalPages.ToString(CultureInfo.InvariantCulture);
        await SimulatorJson.WriteAsync(context, 200, new JsonArray([.. items.Skip((int)((page - 1) * perPage)).Take((int)perPage)]));
    }

    private static long? Id(string? text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;

    private static long? Id(Microsoft.Extensions.Primitives.StringValues value) => Id(value.ToString());

    private static Task InvalidIdAsync(HttpContext context, string kind) =>
        ErrorAsync(context, 404, "woocommerce_rest_" + kind + "_invalid_id", "Invalid ID.");

    private static JsonObject Error(string code, string message, int status) =>
        new() { ["code"] = code, ["message"] = message, ["data"] = new JsonObject { ["status"] = status } };

    private static JsonObject ItemError(long id, int status, string code, string message) =>
        new() { ["id"] = id, ["error"] = Error(code, message, status) };

    private static Task ErrorAsync(HttpContext context, int status, string code, string message) =>
        SimulatorJson.WriteAsync(context, status, Error(code, message, status));
}

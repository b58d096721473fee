using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using FuncSync.Push;
using Microsoft.Extensions.Options;

namespace FuncSync.WooCommerce;

/// <summary>WooCommerce's REST API v3 (<c>/wp-json/wc/v3/</c>) with the consumer key and secret as Basic credentials.
/// A 429 or 5xx is retried by this client's pipeline (hosts and WAFs put limits in front of WooCommerce; core has
/// none); what is still refused is a <see cref="ChannelThrottledException"/> or an <see cref="HttpRequestException"/>
/// the queue retries later, and a refusal no retry can fix (bad credentials, a batch too large) is a
/// <see cref="ChannelRequestException"/>.</summary>
public sealed class WooCommerceApi(HttpClient http, IOptions<WooCommerceOptions> options, TimeProvider time)
{
    /// <summary>The <c>woocommerce_rest_batch_items_limit</c> default: create + update + delete in one batch call.</summary>
    public const int MaxBatchItems = 100;

    /// <summary>WordPress's largest page.</summary>
    public const int MaxPerPage = 100;

    /// <summary>The product or variation holding the listing's stock, or null when WooCommerce has none by that id.</summary>
    public async Task<WooStock?> GetStockAsync(WooCommerceListing listing, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(listing);
        try
        {
            var (json, _) = await SendAsync(HttpMethod.Get, StockPath(listing), null, cancellationToken);
            return WooStock.From(json);
        }
        catch (WooCommerceNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Sets <c>stock_quantity</c> (and <c>manage_stock</c>) on every listing, through the batch endpoints:
    /// simple products in calls of at most <see cref="MaxBatchItems"/> to <c>products/batch</c>, variations per product
    /// to <c>products/{id}/variations/batch</c>. Answers what each saved item reports back, by stock id.</summary>
    /// <exception cref="ChannelRequestException">WooCommerce refused an item (its own error in place of the item).</exception>
    public async Task<(IReadOnlyDictionary<long, WooStock> Saved, int Calls)> SetStockAsync(IReadOnlyList<(WooCommerceListing Listing, int Quantity)> writes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writes);
        var saved = new Dictionary<long, WooStock>();
        var calls = 0;
        foreach (var group in writes.GroupBy(w => w.Listing.VariationId is null ? (long?)null : w.Listing.ProductId))
        {
            var path = group.Key is { } productId ? string.Create(CultureInfo.InvariantCulture, $"products/{productId}/variations/batch") : "products/batch";
            foreach (var chunk in group.Chunk(MaxBatchItems))
            {
                var update = new JsonArray([.. chunk.Select(w => (JsonNode)new JsonObject { ["id"] = w.Listing.StockId, ["manage_stock"] = true, ["stock_quantity"] = w.Quantity })]);
                var (json, _) = await SendAsync(HttpMethod.Post, path, new JsonObject { ["update"] = update }, cancellationToken);
                calls++;
                foreach (var item in json["update"] as JsonArray ?? [])
                {
                    if (item?["error"] is { } error)
                    {
                        throw new ChannelRequestException(string.Create(CultureInfo.InvariantCulture, $"WooCommerce refused the stock of {(long?)item["id"]}: {(string?)error["code"]}: {(string?)error["message"]}"));
                    }

                    if (item is not null && WooStock.From(item) is { } stock)
                    {
                        saved[stock.Id] = stock;
                    }
                }
            }
        }

        return (saved, calls);
    }

    /// <summary>One page of products (simple and variable), with the total page count.</summary>
    public Task<(JsonArray Items, int TotalPages)> ListProductsAsync(int page, CancellationToken cancellationToken) =>
        ListAsync(string.Create(CultureInfo.InvariantCulture, $"products?per_page={MaxPerPage}&page={page}&orderby=id&order=asc"), cancellationToken);

    /// <summary>One page of a variable product's variations.</summary>
    public Task<(JsonArray Items, int TotalPages)> ListVariationsAsync(long productId, int page, CancellationToken cancellationToken) =>
        ListAsync(string.Create(CultureInfo.InvariantCulture, $"products/{productId}/variations?per_page={MaxPerPage}&page={page}&orderby=id&order=asc"), cancellationToken);

    /// <summary>The first page of orders modified after <paramref name="after"/> and before <paramref name="before"/>
    /// (both exclusive, GMT), oldest change first; <paramref name="productId"/> narrows to the orders with a line of it.</summary>
    public async Task<JsonArray> ListOrdersAsync(DateTimeOffset after, DateTimeOffset before, int page, long? productId, CancellationToken cancellationToken)
    {
        var path = string.Create(
            CultureInfo.InvariantCulture,
            $"orders?modified_after={Date(after)}&modified_before={Date(before)}&dates_are_gmt=true&orderby=modified&order=asc&per_page={MaxPerPage}&page={page}{(productId is { } p ? "&product=" + p.ToString(CultureInfo.InvariantCulture) : string.Empty)}");
        return (await ListAsync(path, cancellationToken)).Items;
    }

    /// <summary>Every webhook of the shop whatever its status (<c>active</c>, <c>paused</c> by the seller,
    /// <c>disabled</c> by WooCommerce after failed deliveries), with its topic and delivery URL.</summary>
    public async Task<IReadOnlyList<WooWebhook>> ListWebhooksAsync(CancellationToken cancellationToken)
    {
        var webhooks = new List<WooWebhook>();
        for (var (page, pages) = (1, 1); page <= pages; page++)
        {
            (var items, pages) = await ListAsync(string.Create(CultureInfo.InvariantCulture, $"webhooks?status=all&per_page={MaxPerPage}&page={page}"), cancellationToken);
            webhooks.AddRange(items.OfType<JsonNode>().Select(WooWebhook.From).OfType<WooWebhook>());
        }

        return webhooks;
    }

    private static string Date(DateTimeOffset at) => Uri.EscapeDataString(at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture));

    private async Task<(JsonArray Items, int TotalPages)> ListAsync(string path, CancellationToken cancellationToken)
    {
        var (json, response) = await SendAsync(HttpMethod.Get, path, null, cancellationToken);
        var pages = response.TryGetValues("X-WP-TotalPages", out var values) && int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var total) ? total : 1;
        return (json as JsonArray ?? throw new ChannelRequestException($"WooCommerce answered {Path(path)} with something other than a list."), pages);
    }

    private static string StockPath(WooCommerceListing listing) => listing.VariationId is { } variation
        ? string.Create(CultureInfo.InvariantCulture, $"products/{listing.ProductId}/variations/{variation}")
        : string.Create(CultureInfo.InvariantCulture, $"products/{listing.ProductId}");

    private async Task<(JsonNode Json, HttpResponseHeaders Headers)> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellationToken)
    {
        var woo = options.Value;
        using var request = new HttpRequestMessage(method, "wp-json/wc/v3/" + path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(woo.ConsumerKey + ":" + woo.ConsumerSecret)));
        using var response = await http.SendAsync(request, cancellationToken);
        JsonNode? json;
        try
        {
            json = await response.Content.ReadFromJsonAsync<JsonNode>(cancellationToken);
        }
        catch (System.Text.Json.JsonException)
        {
            // A host's HTML error page, a PHP notice before the JSON: no WooCommerce answer to act on.
            json = null;
        }

        if (response.IsSuccessStatusCode)
        {
            return (json ?? throw new HttpRequestException($"WooCommerce answered {method} {Path(path)} with a body that is not JSON.", null, response.StatusCode), response.Headers);
        }

        // WooCommerce's errors: {code, message, data:{status}}.
        var message = string.Create(CultureInfo.InvariantCulture, $"WooCommerce answered {(int)response.StatusCode} to {method} {Path(path)}: {(string?)json?["code"]}: {(string?)json?["message"]}");
        throw response.StatusCode switch
        {
            HttpStatusCode.NotFound => new WooCommerceNotFoundException(message),
            _ when ChannelThrottledException.IsThrottle(response.StatusCode) => new ChannelThrottledException(message, response.StatusCode, ChannelThrottledException.RetryAfterOf(response, time)),
            >= HttpStatusCode.InternalServerError => new HttpRequestException(message, null, response.StatusCode),
            _ => new ChannelRequestException(message),
        };
    }

    // The path without its query: dates and pages in logs are noise.
    private static string Path(string path) => path.Split('?')[0];
}

/// <summary>What a product or variation says about its stock.</summary>
/// <param name="ParentId">A variation's product; 0 for a product.</param>
/// <param name="Backorders"><c>no</c>, <c>notify</c> or <c>yes</c>.</param>
public sealed record WooStock(long Id, long ParentId, string Type, string? Sku, string Name, bool ManageStock, int? Quantity, string Backorders, DateTimeOffset? Modified)
{
    public bool SellsPastZero => Backorders is not "no";

    public static WooStock? From(JsonNode json) =>
        (long?)json["id"] is { } id
            ? new WooStock(
                id,
                (long?)json["parent_id"] ?? 0,
                (string?)json["type"] ?? "simple",
                (string?)json["sku"],
                (string?)json["name"] ?? string.Empty,
                // A variation can answer "parent": its stock is the product's.
                json["manage_stock"] is JsonValue manage && manage.TryGetValue<bool>(out var managed) && managed,
                json["stock_quantity"] is JsonValue q && q.TryGetValue<int>(out var quantity) ? quantity : null,
                (string?)json["backorders"] ?? "no",
                DateTimeOffset.TryParse((string?)json["date_modified_gmt"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) ? at : null)
            : null;
}

/// <summary>A webhook as <c>GET webhooks</c> shows it.</summary>
/// <param name="Status"><c>active</c> (delivers), <c>paused</c> (by the seller) or <c>disabled</c> (by WooCommerce, after
/// failed deliveries).</param>
public sealed record WooWebhook(long Id, string Topic, string Status, Uri? DeliveryUrl)
{
    public static WooWebhook? From(JsonNode json) =>
        (long?)json["id"] is { } id && (string?)json["topic"] is { } topic && (string?)json["status"] is { } status
            ? new WooWebhook(id, topic, status, Uri.TryCreate((string?)json["delivery_url"], UriKind.Absolute, out var url) ? url : null)
            : null;
}

/// <summary>WooCommerce has nothing by that id.</summary>
public sealed class WooCommerceNotFoundException : Exception
{
    public WooCommerceNotFoundException()
    {
    }

    public WooCommerceNotFoundException(string message)
        : base(message)
    {
    }

    public WooCommerceNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

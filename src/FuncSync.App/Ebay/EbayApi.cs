using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using FuncSync.Push;
using Microsoft.Extensions.Options;

namespace FuncSync.Ebay;

/// <summary>eBay's REST APIs as FuncSync uses them: the Inventory API (items, offers, bulk price and quantity), the
/// Fulfillment API's orders, the Account API's programs and the Notification API's public keys. A 429 or 5xx is retried
/// by this client's pipeline; what is still refused is a <see cref="ChannelThrottledException"/> (429: the push waits,
/// and a spent daily quota waits for eBay's next day) or an <see cref="HttpRequestException"/>; a refusal no retry can
/// fix is a <see cref="ChannelRequestException"/>. A refused access token is renewed once, then the call is repeated.</summary>
public sealed class EbayApi(HttpClient http, EbayUserTokens userTokens, EbayAppToken appToken, EbayCallQuota quota, IOptions<EbayOptions> options, TimeProvider time)
{
    /// <summary>Offers one bulk update may carry for its one SKU.</summary>
    public const int MaxOffersPerUpdate = 25;

    /// <summary>The inventory item, or null when eBay has none by that SKU.</summary>
    public Task<JsonNode?> GetInventoryItemAsync(string sku, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, "sell/inventory/v1/inventory_item/" + Uri.EscapeDataString(sku), null, user: true, notFoundIsNull: true, cancellationToken);

    public async Task<JsonNode> ListInventoryItemsAsync(int offset, int limit, CancellationToken cancellationToken) =>
        (await SendAsync(HttpMethod.Get, string.Create(CultureInfo.InvariantCulture, $"sell/inventory/v1/inventory_item?limit={limit}&offset={offset}"), null, user: true, notFoundIsNull: false, cancellationToken))!;

    /// <summary>The SKU's offers (none when eBay has none).</summary>
    public async Task<JsonArray> GetOffersAsync(string sku, CancellationToken cancellationToken) =>
        (await SendAsync(HttpMethod.Get, "sell/inventory/v1/offer?sku=" + Uri.EscapeDataString(sku), null, user: true, notFoundIsNull: true, cancellationToken))?["offers"] as JsonArray ?? [];

    /// <summary>One SKU per call (the stricter of eBay's two readings), both quantity levels: the inventory item's
    /// ship-to-home quantity and each offer's available quantity, since a listing shows the smaller. Answers eBay's
    /// per-item responses.</summary>
    public async Task<JsonArray> BulkUpdateQuantityAsync(string sku, int quantity, IReadOnlyList<string> offerIds, CancellationToken cancellationToken)
    {
        if (offerIds.Count > MaxOffersPerUpdate)
        {
            throw new ArgumentOutOfRangeException(nameof(offerIds), offerIds.Count, $"One update carries at most {MaxOffersPerUpdate} offers.");
        }

        var body = new JsonObject
        {
            ["requests"] = new JsonArray(new JsonObject
            {
                ["sku"] = sku,
                ["shipToLocationAvailability"] = new JsonObject { ["quantity"] = quantity },
                ["offers"] = new JsonArray([.. offerIds.Select(id => (JsonNode)new JsonObject { ["offerId"] = id, ["availableQuantity"] = quantity })]),
            }),
        };
        var answer = await SendAsync(HttpMethod.Post, "sell/inventory/v1/bulk_update_price_quantity", body, user: true, notFoundIsNull: false, cancellationToken);
        return answer?["responses"] as JsonArray ?? [];
    }

    /// <summary>One page of the orders modified in [<paramref name="from"/>, <paramref name="until"/>].</summary>
    public async Task<JsonNode> GetOrdersAsync(DateTimeOffset from, DateTimeOffset until, int offset, int limit, CancellationToken cancellationToken)
    {
        var filter = Uri.EscapeDataString($"lastmodifieddate:[{Time(from)}..{Time(until)}]");
        return (await SendAsync(HttpMethod.Get, string.Create(CultureInfo.InvariantCulture, $"sell/fulfillment/v1/order?filter={filter}&limit={limit}&offset={offset}"), null, user: true, notFoundIsNull: false, cancellationToken))!;
    }

    /// <summary>The order, or null when eBay has none by that id.</summary>
    public Task<JsonNode?> GetOrderAsync(string orderId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, "sell/fulfillment/v1/order/" + Uri.EscapeDataString(orderId), null, user: true, notFoundIsNull: true, cancellationToken);

    /// <summary>One page of the Post-Order API's returns created in [<paramref name="from"/>, <paramref name="until"/>]
    /// (<c>members</c>, <c>paginationOutput</c>).</summary>
    public async Task<JsonNode> SearchReturnsAsync(DateTimeOffset from, DateTimeOffset until, int offset, int limit, CancellationToken cancellationToken) =>
        (await SendAsync(
            HttpMethod.Get,
            string.Create(CultureInfo.InvariantCulture, $"post-order/v2/return/search?creation_date_range_from={Uri.EscapeDataString(Time(from))}&creation_date_range_to={Uri.EscapeDataString(Time(until))}&limit={limit}&offset={offset}"),
            null,
            user: true,
            notFoundIsNull: false,
            cancellationToken))!;

    /// <summary>One return with its detail (the <c>responseHistory</c> of its states), or null when eBay has none by that id.</summary>
    public Task<JsonNode?> GetReturnAsync(string returnId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, "post-order/v2/return/" + Uri.EscapeDataString(returnId), null, user: true, notFoundIsNull: true, cancellationToken);

    /// <summary>The seller's opted-in programs (<c>OUT_OF_STOCK_CONTROL</c> among them when it is on).</summary>
    public async Task<IReadOnlyList<string>> GetOptedInProgramsAsync(CancellationToken cancellationToken)
    {
        var answer = await SendAsync(HttpMethod.Get, "sell/account/v1/program/get_opted_in_programs", null, user: true, notFoundIsNull: false, cancellationToken);
        return [.. (answer?["programs"] as JsonArray ?? []).Select(p => (string?)p?["programType"]).OfType<string>()];
    }

    /// <summary>The notification signing key by <paramref name="kid"/>, or null when eBay has no such key.</summary>
    public Task<JsonNode?> GetPublicKeyAsync(string kid, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, "commerce/notification/v1/public_key/" + Uri.EscapeDataString(kid), null, user: false, notFoundIsNull: true, cancellationToken);

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private async Task<JsonNode?> SendAsync(HttpMethod method, string path, JsonNode? body, bool user, bool notFoundIsNull, CancellationToken cancellationToken)
    {
        for (var renewed = false; ; renewed = true)
        {
            using var request = new HttpRequestMessage(method, new Uri(options.Value.ApiBaseUrl!, path));
            // The Post-Order API, older than the REST family, takes the same user token under the scheme "IAF".
            var scheme = path.StartsWith("post-order/", StringComparison.Ordinal) ? "IAF" : "Bearer";
            request.Headers.Authorization = new AuthenticationHeaderValue(scheme, user ? await userTokens.GetAsync(cancellationToken) : await appToken.GetAsync(cancellationToken));
            request.Headers.Add("X-EBAY-C-MARKETPLACE-ID", options.Value.MarketplaceId);
            if (body is not null)
            {
                request.Content = JsonContent.Create(body);
            }

            HttpResponseMessage sent;
            try
            {
                sent = await http.SendAsync(request, cancellationToken);
            }
            catch (EbayQuotaSpentException ex)
            {
                var now = time.GetUtcNow();
                throw new ChannelThrottledException($"eBay's {options.Value.DailyCallQuota} calls of today are used by this app's instances; asking again when eBay's day turns.", HttpStatusCode.TooManyRequests, options.Value.NextDay(now) - now, ex);
            }

            using var response = sent;
            if (response.IsSuccessStatusCode)
            {
                return await response.Content.ReadFromJsonAsync<JsonNode>(cancellationToken);
            }

            if (response.StatusCode == HttpStatusCode.Unauthorized && user && !renewed)
            {
                await userTokens.RenewAsync(cancellationToken);
                continue;
            }

            if (response.StatusCode == HttpStatusCode.NotFound && notFoundIsNull)
            {
                return null;
            }

            throw await FailureAsync(method, path, response, cancellationToken);
        }
    }

    private async Task<Exception> FailureAsync(HttpMethod method, string path, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        JsonNode? answer = null;
        try
        {
            answer = await response.Content.ReadFromJsonAsync<JsonNode>(cancellationToken);
        }
        catch (System.Text.Json.JsonException)
        {
            // An HTML error page from a proxy: the status says enough.
        }

        var errors = EbayErrors.Describe(answer?["errors"] as JsonArray);
        var message = string.Create(CultureInfo.InvariantCulture, $"eBay answered {(int)response.StatusCode} to {method} {path.Split('?')[0]}: {errors}");
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            // Error 2001 is the call quota: nothing more today, so ask again when eBay's day turns.
            var quotaSpent = EbayErrors.Ids(answer?["errors"] as JsonArray).Contains(2001);
            if (quotaSpent)
            {
                await quota.ExhaustedAsync(cancellationToken);
            }

            var retryAfter = quotaSpent ? options.Value.NextDay(time.GetUtcNow()) - time.GetUtcNow() : ChannelThrottledException.RetryAfterOf(response, time);
            return new ChannelThrottledException(message, HttpStatusCode.TooManyRequests, retryAfter);
        }

        return response.StatusCode >= HttpStatusCode.InternalServerError || response.StatusCode == HttpStatusCode.Unauthorized
            ? new HttpRequestException(message, null, response.StatusCode)
            : new ChannelRequestException(message);
    }
}

/// <summary>eBay's error shape <c>{errors:[{errorId,domain,category,message}]}</c>.</summary>
public static class EbayErrors
{
    public static string Describe(JsonArray? errors) =>
        errors is { Count: > 0 }
            ? string.Join("; ", errors.Select(e => string.Create(CultureInfo.InvariantCulture, $"{(int?)e?["errorId"]} {(string?)e?["message"]}")))
            : "no error detail";

    public static IReadOnlyList<int> Ids(JsonArray? errors) =>
        [.. (errors ?? []).Select(e => (int?)e?["errorId"]).OfType<int>()];
}

using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using FuncSync.Channels.Auth;
using FuncSync.Domain;
using FuncSync.Push;
using Microsoft.Extensions.Options;

namespace FuncSync.Etsy;

/// <summary>Which receipts getShopReceipts should answer.</summary>
public sealed record EtsyReceiptQuery(long? MinLastModified = null, long? MinCreated = null, bool? WasCanceled = null, string SortOn = "updated");

/// <param name="Requests">How many pages it took: each one spends from Etsy's daily budget.</param>
public sealed record EtsyReceiptRead(IReadOnlyList<EtsyReceipt> Receipts, int Requests);

/// <summary>The Etsy Open API v3 calls FuncSync makes, each with the two credentials Etsy requires, reporting
/// Etsy's quota headers to the poll's pacer.</summary>
public sealed partial class EtsyApi(HttpClient http, IOptions<EtsyOptions> options, [FromKeyedServices(Channel.Etsy)] OAuthAccessTokens tokens, [FromKeyedServices(Channel.Etsy)] Polling.PollPacer pacer, TimeProvider time)
{
    /// <summary>Etsy's largest page of receipts.</summary>
    public const int MaxPageSize = 100;

    /// <summary>Every receipt the query matches, page after page; one failed page fails the whole read,
    /// so a caller never acts on half a result.</summary>
    public async Task<EtsyReceiptRead> GetAllReceiptsAsync(EtsyReceiptQuery query, CancellationToken cancellationToken)
    {
        var receipts = new List<EtsyReceipt>();
        var requests = 0;
        for (var offset = 0; ;)
        {
            var page = await GetReceiptsAsync(query, offset, cancellationToken);
            requests++;
            receipts.AddRange(page.Results);
            offset += page.Results.Count;
            if (page.Results.Count == 0 || offset >= page.Count)
            {
                return new EtsyReceiptRead(receipts, requests);
            }
        }
    }

    public async Task<EtsyReceiptPage> GetReceiptsAsync(EtsyReceiptQuery query, int offset, CancellationToken cancellationToken)
    {
        var path = string.Create(
            CultureInfo.InvariantCulture,
            $"v3/application/shops/{options.Value.ShopId}/receipts?sort_on={query.SortOn}&sort_order=asc&limit={MaxPageSize}&offset={offset}");
        if (query.MinLastModified is { } minLastModified)
        {
            path += string.Create(CultureInfo.InvariantCulture, $"&min_last_modified={minLastModified}");
        }

        if (query.MinCreated is { } minCreated)
        {
            path += string.Create(CultureInfo.InvariantCulture, $"&min_created={minCreated}");
        }

        if (query.WasCanceled is { } canceled)
        {
            path += canceled ? "&was_canceled=true" : "&was_canceled=false";
        }

        using var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken);
        return await response.Content.ReadFromJsonAsync(EtsyJson.Default.EtsyReceiptPage, cancellationToken)
            ?? throw new ChannelRequestException("Etsy returned an empty receipts page.");
    }

    /// <summary>getShopReceipt: what an ORDER_PAID delivery points at.</summary>
    public async Task<EtsyReceipt> GetReceiptAsync(long receiptId, CancellationToken cancellationToken)
    {
        var path = string.Create(CultureInfo.InvariantCulture, $"v3/application/shops/{options.Value.ShopId}/receipts/{receiptId}");
        using var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken);
        return await response.Content.ReadFromJsonAsync(EtsyJson.Default.EtsyReceipt, cancellationToken)
            ?? throw new ChannelRequestException($"Etsy returned no receipt {receiptId}.");
    }

    /// <summary>getListingInventory with the listing attached (<c>includes=Listing</c>): one request
    /// gives both the products and the listing's state.</summary>
    public async Task<JsonObject> GetListingInventoryAsync(long listingId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, string.Create(CultureInfo.InvariantCulture, $"v3/application/listings/{listingId}/inventory?includes=Listing"), null, cancellationToken);
        return await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken)
            ?? throw new ChannelRequestException($"Etsy returned no inventory for listing {listingId}.");
    }

    public async Task UpdateListingInventoryAsync(long listingId, JsonObject inventory, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Put, string.Create(CultureInfo.InvariantCulture, $"v3/application/listings/{listingId}/inventory"), inventory, cancellationToken);
    }

    public async Task UpdateListingStateAsync(long listingId, string state, CancellationToken cancellationToken)
    {
        var path = string.Create(CultureInfo.InvariantCulture, $"v3/application/shops/{options.Value.ShopId}/listings/{listingId}");
        // updateListing takes a form body, as its OpenAPI document declares.
        using var response = await SendAsync(HttpMethod.Patch, path, new FormBody([new("state", state)]), cancellationToken);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        var response = await SendOnceAsync(method, path, body, await tokens.GetAsync(cancellationToken), cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            // An access token Etsy revoked early: one refresh, one more try; a static token cannot be refreshed.
            tokens.Invalidate();
            var token = await tokens.GetAsync(cancellationToken);
            if (!string.Equals(token, options.Value.AccessToken, StringComparison.Ordinal))
            {
                response.Dispose();
                response = await SendOnceAsync(method, path, body, (await tokens.RefreshAsync(cancellationToken)).AccessToken, cancellationToken);
            }
        }

        pacer.ObserveQuota(
            Header(response, "x-limit-per-second"), Header(response, "x-remaining-this-second"),
            Header(response, "x-limit-per-day"), Header(response, "x-remaining-today"));
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            var error = await ReadErrorAsync(response, cancellationToken);
            var message = $"Etsy answered {status} to {method} {path.Split('?')[0]}: {error}";

            // 4xx other than 429 means the request itself is wrong; 5xx and 429 were retried by the pipeline already.
            // Etsy's 429 carries no Retry-After (its documentation says so); the caller backs off.
            if (ChannelThrottledException.IsThrottle(response.StatusCode))
            {
                throw new ChannelThrottledException(message, response.StatusCode, ChannelThrottledException.RetryAfterOf(response, time));
            }

            throw status is >= 400 and < 500 ? new ChannelRequestException(message) : new HttpRequestException(message, null, response.StatusCode);
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(HttpMethod method, string path, object? body, string accessToken, CancellationToken cancellationToken)
    {
        var etsy = options.Value;
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("x-api-key", $"{etsy.Keystring}:{etsy.SharedSecret}");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken);
        request.Content = body switch
        {
            null => null,
            FormBody form => new FormUrlEncodedContent(form.Fields),
            JsonObject json => JsonContent.Create(json),
            _ => throw new ArgumentException("An Etsy request body is JSON or a form.", nameof(body)),
        };

        return await http.SendAsync(request, cancellationToken);
    }

    private static int? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values)
        && int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;

    private static async Task<string> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            return (string?)JsonNode.Parse(text)?["error"] ?? text;
        }
        catch (System.Text.Json.JsonException)
        {
            return text.Length > 200 ? text[..200] : text;
        }
    }
}

/// <summary>A form-urlencoded request body (updateListing), as opposed to the JSON ones.</summary>
internal sealed record FormBody(IReadOnlyList<KeyValuePair<string, string>> Fields);

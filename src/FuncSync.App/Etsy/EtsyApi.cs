using System.Globalization;
using System.Text.Json.Nodes;
using FuncSync.Push;
using Microsoft.Extensions.Options;

namespace FuncSync.Etsy;

/// <summary>The Etsy Open API v3 calls FuncSync makes, each with the two credentials Etsy requires.</summary>
public sealed class EtsyApi(HttpClient http, IOptions<EtsyOptions> options)
{
    /// <summary>Etsy's largest page of receipts.</summary>
    public const int MaxPageSize = 100;

    public async Task<EtsyReceiptPage> GetReceiptsAsync(long minLastModified, int offset, CancellationToken cancellationToken)
    {
        var etsy = options.Value;
        var path = string.Create(
            CultureInfo.InvariantCulture,
            $"v3/application/shops/{etsy.ShopId}/receipts?min_last_modified={minLastModified}&sort_on=updated&sort_order=asc&limit={MaxPageSize}&offset={offset}");
        using var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken);
        return await response.Content.ReadFromJsonAsync(EtsyJson.Default.EtsyReceiptPage, cancellationToken)
            ?? throw new ChannelRequestException("Etsy returned an empty receipts page.");
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
        using var response = await SendAsync(HttpMethod.Patch, path, new JsonObject { ["state"] = state }, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellationToken)
    {
        var etsy = options.Value;
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("x-api-key", $"{etsy.Keystring}:{etsy.SharedSecret}");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", etsy.AccessToken);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        var response = await http.SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            var error = await ReadErrorAsync(response, cancellationToken);
            var message = $"Etsy answered {status} to {method} {request.RequestUri?.AbsolutePath}: {error}";

            // 4xx other than 429 means the request itself is wrong; 5xx and 429 were retried by the pipeline already.
            throw status is >= 400 and < 500 and not 429 ? new ChannelRequestException(message) : new HttpRequestException(message, null, response.StatusCode);
        }
    }

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

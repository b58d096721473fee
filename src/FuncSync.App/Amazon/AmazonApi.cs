using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FuncSync.Push;
using Microsoft.Extensions.Options;

namespace FuncSync.Amazon;

/// <summary>The Selling Partner API calls FuncSync makes: Listings Items (2021-08-01), Orders (v0) and Feeds
/// (2021-06-30). Each request waits for its operation's token (<see cref="AmazonRateLimits"/>), carries the LWA access
/// token in <c>x-amz-access-token</c>, and reads Amazon's error shape <c>{errors:[{code,message,details}]}</c>. A 429
/// empties the operation's bucket and is retried when its next token is due, if that is soon; otherwise it surfaces as
/// <see cref="ChannelThrottledException"/> with that wait, so the push or the poll comes back then and nothing is lost.
/// Transient failures (5xx, timeouts) are the pipeline's retries.</summary>
public sealed class AmazonApi(HttpClient http, IOptions<AmazonOptions> options, AmazonAccessTokens tokens, AmazonRateLimits limits, TimeProvider time, ILogger<AmazonApi> logger)
{
    public const string RateLimitHeader = "x-amzn-RateLimit-Limit";

    /// <summary>The most a request waits in this invocation for its operation's token; a longer wait is handed back.</summary>
    public static readonly TimeSpan MaxInlineWait = TimeSpan.FromSeconds(5);

    private const int MaxThrottledRetries = 3;
    private const string ListingsPath = "listings/2021-08-01/items/";

    /// <summary>The listing's merchant-fulfilled quantity and what a patch needs; null when Amazon has no such SKU.</summary>
    public async Task<AmazonListingState?> GetListingsItemAsync(string sku, CancellationToken cancellationToken)
    {
        try
        {
            var item = await SendAsync(AmazonOperations.GetListingsItem, HttpMethod.Get, ItemPath(sku) + "&includedData=summaries,attributes,fulfillmentAvailability,issues", null, cancellationToken);
            return AmazonListingState.From(item);
        }
        catch (AmazonNotFoundException)
        {
            return null;
        }
    }

    /// <summary><c>patchListingsItem</c> with <c>merge</c> on <c>fulfillment_availability</c>: only the merchant-fulfilled
    /// entry's quantity changes (lead time and restock date kept; FBA entries untouched). Answers the submission id of
    /// the accepted patch; an INVALID answer is a refusal no retry fixes.</summary>
    public async Task<string> PatchQuantityAsync(string sku, string productType, int quantity, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["productType"] = productType,
            ["patches"] = new JsonArray(QuantityPatch(quantity)),
        };
        var answer = await SendAsync(AmazonOperations.PatchListingsItem, HttpMethod.Patch, ItemPath(sku), body, cancellationToken);
        if ((string?)answer["status"] != "ACCEPTED")
        {
            var issues = string.Join("; ", (answer["issues"] as JsonArray ?? []).Select(i => $"{(string?)i?["code"]}: {(string?)i?["message"]}"));
            throw new ChannelRequestException($"Amazon did not accept the quantity patch of {sku} ({(string?)answer["status"]}): {issues}");
        }

        return (string?)answer["submissionId"] ?? string.Empty;
    }

    /// <summary>The patch every quantity write sends, alone or in a feed message.</summary>
    public static JsonObject QuantityPatch(int quantity) => new()
    {
        ["op"] = "merge",
        ["path"] = "/attributes/fulfillment_availability",
        ["value"] = new JsonArray(new JsonObject { ["fulfillment_channel_code"] = AmazonListingState.MerchantChannel, ["quantity"] = quantity }),
    };

    /// <summary>One page of the seller's listings (20 at most), of the given SKUs when <paramref name="skus"/> is set.</summary>
    public async Task<(IReadOnlyList<AmazonListingState> Items, string? Next)> SearchListingsItemsAsync(IReadOnlyCollection<string>? skus, string? pageToken, CancellationToken cancellationToken)
    {
        var a = options.Value;
        var query = new StringBuilder(ListingsPath).Append(Uri.EscapeDataString(a.SellerId))
            .Append("?marketplaceIds=").Append(Uri.EscapeDataString(a.MarketplaceId))
            .Append("&includedData=summaries,attributes,fulfillmentAvailability&pageSize=20");
        if (skus is not null)
        {
            query.Append("&identifiersType=SKU&identifiers=").Append(string.Join(',', skus.Select(Uri.EscapeDataString)));
        }

        if (pageToken is not null)
        {
            query.Append("&pageToken=").Append(Uri.EscapeDataString(pageToken));
        }

        var page = await SendAsync(AmazonOperations.SearchListingsItems, HttpMethod.Get, query.ToString(), null, cancellationToken);
        var items = (page["items"] as JsonArray ?? []).Select(i => AmazonListingState.From(i!)).ToList();
        return (items, (string?)page["pagination"]?["nextToken"]);
    }

    /// <summary>One page of orders changed in the window (a page after the first by its NextToken alone).</summary>
    public async Task<(JsonArray Orders, string? Next)> GetOrdersAsync(DateTimeOffset updatedAfter, DateTimeOffset updatedBefore, string? nextToken, CancellationToken cancellationToken)
    {
        var query = "orders/v0/orders?MarketplaceIds=" + Uri.EscapeDataString(options.Value.MarketplaceId) + (nextToken is null
            ? "&LastUpdatedAfter=" + Uri.EscapeDataString(Iso(updatedAfter)) + "&LastUpdatedBefore=" + Uri.EscapeDataString(Iso(updatedBefore)) + "&MaxResultsPerPage=100"
            : "&NextToken=" + Uri.EscapeDataString(nextToken));
        var payload = (await SendAsync(AmazonOperations.GetOrders, HttpMethod.Get, query, null, cancellationToken))["payload"];
        return (payload?["Orders"] as JsonArray ?? [], (string?)payload?["NextToken"]);
    }

    /// <summary>Every item of the order, all pages.</summary>
    public async Task<IReadOnlyList<JsonNode>> GetOrderItemsAsync(string orderId, CancellationToken cancellationToken)
    {
        var items = new List<JsonNode>();
        string? next = null;
        do
        {
            var path = "orders/v0/orders/" + Uri.EscapeDataString(orderId) + "/orderItems" + (next is null ? string.Empty : "?NextToken=" + Uri.EscapeDataString(next));
            var payload = (await SendAsync(AmazonOperations.GetOrderItems, HttpMethod.Get, path, null, cancellationToken))["payload"];
            items.AddRange((payload?["OrderItems"] as JsonArray ?? []).OfType<JsonNode>());
            next = (string?)payload?["NextToken"];
        }
        while (next is not null);

        return items;
    }

    /// <summary>Creates a feed document, uploads <paramref name="content"/> to the URL Amazon gave, and creates the
    /// <c>JSON_LISTINGS_FEED</c> on it. Answers the feed id.</summary>
    /// <param name="createFeedTokenTaken">The caller already took createFeed's token (it decided on a feed because one was there).</param>
    public async Task<string> SubmitListingsFeedAsync(string content, CancellationToken cancellationToken, bool createFeedTokenTaken = false)
    {
        const string ContentType = "application/json; charset=UTF-8";
        var document = await SendAsync(AmazonOperations.CreateFeedDocument, HttpMethod.Post, "feeds/2021-06-30/documents", new JsonObject { ["contentType"] = ContentType }, cancellationToken);
        var documentId = (string?)document["feedDocumentId"] ?? throw new ChannelRequestException("Amazon created a feed document without an id.");
        var url = (string?)document["url"] ?? throw new ChannelRequestException("Amazon created a feed document without an upload URL.");

        // The upload goes to a pre-signed URL: no SP-API token, no SP-API rate limit.
        using (var upload = new HttpRequestMessage(HttpMethod.Put, new Uri(url)) { Content = new StringContent(content, Encoding.UTF8) })
        {
            upload.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(ContentType);
            using var uploaded = await http.SendAsync(upload, cancellationToken);
            if (!uploaded.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"Uploading the feed document answered {(int)uploaded.StatusCode}.", null, uploaded.StatusCode);
            }
        }

        var feed = await SendAsync(AmazonOperations.CreateFeed, HttpMethod.Post, "feeds/2021-06-30/feeds", new JsonObject
        {
            ["feedType"] = "JSON_LISTINGS_FEED",
            ["marketplaceIds"] = new JsonArray(options.Value.MarketplaceId),
            ["inputFeedDocumentId"] = documentId,
        }, cancellationToken, tokenTaken: createFeedTokenTaken);
        return (string?)feed["feedId"] ?? throw new ChannelRequestException("Amazon created a feed without an id.");
    }

    /// <summary><c>getFeed</c>: the feed's processing status (<c>IN_QUEUE</c>, <c>IN_PROGRESS</c>, <c>DONE</c>,
    /// <c>CANCELLED</c>, <c>FATAL</c>) and, once processed, the id of its processing report.</summary>
    public async Task<(string Status, string? ResultDocumentId)> GetFeedAsync(string feedId, CancellationToken cancellationToken)
    {
        var feed = await SendAsync(AmazonOperations.GetFeed, HttpMethod.Get, "feeds/2021-06-30/feeds/" + Uri.EscapeDataString(feedId), null, cancellationToken);
        return ((string?)feed["processingStatus"] ?? string.Empty, (string?)feed["resultFeedDocumentId"]);
    }

    /// <summary><c>getFeedDocument</c>, then the document itself from the pre-signed URL it names (gunzipped when Amazon
    /// says it is compressed).</summary>
    public async Task<string> DownloadFeedDocumentAsync(string documentId, CancellationToken cancellationToken)
    {
        var document = await SendAsync(AmazonOperations.GetFeedDocument, HttpMethod.Get, "feeds/2021-06-30/documents/" + Uri.EscapeDataString(documentId), null, cancellationToken);
        var url = (string?)document["url"] ?? throw new ChannelRequestException($"Amazon's feed document {documentId} has no download URL.");
        using var response = await http.GetAsync(new Uri(url), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"Downloading feed document {documentId} answered {(int)response.StatusCode}.", null, response.StatusCode);
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        await using var content = (string?)document["compressionAlgorithm"] == "GZIP" ? new System.IO.Compression.GZipStream(body, System.IO.Compression.CompressionMode.Decompress) : body;
        using var reader = new StreamReader(content, Encoding.UTF8);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    private string ItemPath(string sku)
    {
        var a = options.Value;
        return ListingsPath + Uri.EscapeDataString(a.SellerId) + "/" + Uri.EscapeDataString(sku) + "?marketplaceIds=" + Uri.EscapeDataString(a.MarketplaceId);
    }

    private async Task<JsonNode> SendAsync(string operation, HttpMethod method, string path, JsonObject? body, CancellationToken cancellationToken, bool tokenTaken = false)
    {
        var refreshed = false;
        var throttled = 0;
        while (true)
        {
            var wait = tokenTaken ? TimeSpan.Zero : limits.Take(operation);
            tokenTaken = false;
            if (wait > MaxInlineWait)
            {
                throw new ChannelThrottledException($"Amazon's {operation} allows {limits.RateOf(operation).ToString("0.####", CultureInfo.InvariantCulture)} requests a second; the next is due in {wait}.", HttpStatusCode.TooManyRequests, wait);
            }

            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, cancellationToken);
            }

            using var request = new HttpRequestMessage(method, path);
            if (body is not null)
            {
                request.Content = JsonContent.Create(body);
            }

            request.Headers.Add("x-amz-access-token", await tokens.GetAsync(cancellationToken));
            using var response = await http.SendAsync(request, cancellationToken);
            var header = response.Headers.TryGetValues(RateLimitHeader, out var values) ? values.FirstOrDefault() : null;
            limits.Observe(operation, header);
            var json = await ReadAsync(response, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return json ?? throw new ChannelRequestException($"Amazon returned an empty body for {operation}.");
            }

            var errors = string.Join("; ", (json?["errors"] as JsonArray ?? []).Select(e => $"{(string?)e?["code"]}: {(string?)e?["message"]}"));
            var message = string.Create(CultureInfo.InvariantCulture, $"Amazon answered {(int)response.StatusCode} to {operation}: {errors}");
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                var next = limits.Throttled(operation, header);
                logger.LogWarning("Amazon throttled {Operation} (rate {Rate}/s); next token in {Wait}", operation, header, next);
                if (++throttled <= MaxThrottledRetries && next <= MaxInlineWait)
                {
                    continue;
                }

                throw new ChannelThrottledException(message, HttpStatusCode.TooManyRequests, next);
            }

            if (response.StatusCode == HttpStatusCode.Forbidden && !refreshed)
            {
                // An access token Amazon no longer takes (revoked, rotated elsewhere): read the store again, once.
                refreshed = true;
                await tokens.RenewAsync(cancellationToken);
                continue;
            }

            throw response.StatusCode switch
            {
                HttpStatusCode.NotFound => new AmazonNotFoundException(message),
                >= HttpStatusCode.InternalServerError => new HttpRequestException(message, null, response.StatusCode),
                _ => new ChannelRequestException(message),
            };
        }
    }

    private static async Task<JsonNode?> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<JsonNode>(cancellationToken);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

/// <summary>A listing as <c>getListingsItem</c> shows it: the merchant-fulfilled (<c>DEFAULT</c>) quantity, whether
/// Amazon holds FBA stock for it, and its product type (which a patch must name).</summary>
public sealed record AmazonListingState(string Sku, string? ProductType, string? Title, int? MerchantQuantity, bool HasFbaStock)
{
    public const string MerchantChannel = "DEFAULT";

    /// <summary>What buyers can order from the seller's own stock; FBA stock is Amazon's and not counted.</summary>
    public int Quantity => MerchantQuantity ?? 0;

    public static AmazonListingState From(JsonNode item)
    {
        int? merchant = null;
        var fba = false;
        foreach (var entry in item["attributes"]?["fulfillment_availability"] as JsonArray ?? [])
        {
            if ((string?)entry?["fulfillment_channel_code"] == MerchantChannel)
            {
                merchant = (int?)entry["quantity"] ?? 0;
            }
            else if (entry is not null)
            {
                fba = true;
            }
        }

        var summary = (item["summaries"] as JsonArray)?.FirstOrDefault();
        return new AmazonListingState((string?)item["sku"] ?? string.Empty, (string?)summary?["productType"], (string?)summary?["itemName"], merchant, fba);
    }
}

/// <summary>Amazon has nothing by that id.</summary>
public sealed class AmazonNotFoundException : Exception
{
    public AmazonNotFoundException()
    {
    }

    public AmazonNotFoundException(string message)
        : base(message)
    {
    }

    public AmazonNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

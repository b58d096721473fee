using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using FuncSync.Push;
using Microsoft.Extensions.Options;

namespace FuncSync.Square;

/// <summary>Square's REST API at the pinned version: the Inventory API's batch-create and batch-retrieve, the catalog's
/// variations and the Orders API's retrieve. A 429 RATE_LIMITED or a 5xx is retried by this client's pipeline with
/// exponential backoff and jitter (Square publishes no limits and asks for exactly that). A 429 or 503 still refused
/// after it, or a request the open circuit breaker did not send, is a <see cref="ChannelThrottledException"/>: no
/// verdict, so the push or the webhook comes back later without counting towards the poison queue (under sustained
/// 429s across many SKUs, counting them poisoned most pushes). Another 5xx is an <see cref="HttpRequestException"/> the
/// queue retries, and a refusal no retry can fix is a <see cref="ChannelRequestException"/>. An OAuth access token
/// refused with 401 is refreshed once, then the call is repeated.</summary>
public sealed class SquareApi(HttpClient http, SquareAccessTokens tokens, IOptions<SquareOptions> options, TimeProvider time)
{
    /// <summary>Square's limit on changes per BatchChangeInventory call.</summary>
    public const int MaxChangesPerBatch = 100;

    /// <summary>Applies the changes under one idempotency key (a retry of this call with the key applies nothing twice)
    /// and returns the counts Square calculated after them.</summary>
    public async Task<JsonArray> BatchChangeAsync(IReadOnlyList<JsonObject> changes, string idempotencyKey, CancellationToken cancellationToken)
    {
        if (changes.Count is 0 or > MaxChangesPerBatch)
        {
            throw new ArgumentOutOfRangeException(nameof(changes), changes.Count, $"A batch carries 1 to {MaxChangesPerBatch} changes.");
        }

        var body = new JsonObject
        {
            ["idempotency_key"] = idempotencyKey,
            ["changes"] = new JsonArray([.. changes.Select(c => (JsonNode)c.DeepClone())]),
            ["ignore_unchanged_counts"] = true,
        };
        var result = await SendAsync(HttpMethod.Post, "v2/inventory/changes/batch-create", body, cancellationToken);
        return result["counts"] as JsonArray ?? [];
    }

    /// <summary>The IN_STOCK counts of the variations at the locations, every page.</summary>
    public async Task<IReadOnlyList<SquareCount>> RetrieveCountsAsync(IReadOnlyCollection<string> variationIds, IReadOnlyList<string> locationIds, CancellationToken cancellationToken)
    {
        var counts = new List<SquareCount>();
        string? cursor = null;
        do
        {
            var body = new JsonObject
            {
                ["catalog_object_ids"] = new JsonArray([.. variationIds.Select(id => (JsonNode)id)]),
                ["location_ids"] = new JsonArray([.. locationIds.Select(id => (JsonNode)id)]),
                ["states"] = new JsonArray("IN_STOCK"),
            };
            if (cursor is not null)
            {
                body["cursor"] = cursor;
            }

            var page = await SendAsync(HttpMethod.Post, "v2/inventory/counts/batch-retrieve", body, cancellationToken);
            foreach (var count in page["counts"]?.AsArray() ?? [])
            {
                if ((string?)count?["state"] == "IN_STOCK" && SquareCount.From(count!) is { } parsed)
                {
                    counts.Add(parsed);
                }
            }

            cursor = (string?)page["cursor"];
        }
        while (cursor is not null);

        return counts;
    }

    /// <summary>The ADJUSTMENT and PHYSICAL_COUNT changes of the variations at the locations that Square received after
    /// <paramref name="updatedAfter"/>, every page (BatchRetrieveInventoryChanges).</summary>
    public async Task<IReadOnlyList<SquareInventoryChange>> RetrieveChangesAsync(IReadOnlyCollection<string> variationIds, IReadOnlyList<string> locationIds, DateTimeOffset updatedAfter, CancellationToken cancellationToken)
    {
        var changes = new List<SquareInventoryChange>();
        string? cursor = null;
        do
        {
            var body = new JsonObject
            {
                ["catalog_object_ids"] = new JsonArray([.. variationIds.Select(id => (JsonNode)id)]),
                ["location_ids"] = new JsonArray([.. locationIds.Select(id => (JsonNode)id)]),
                ["types"] = new JsonArray("ADJUSTMENT", "PHYSICAL_COUNT"),
                ["updated_after"] = updatedAfter.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            };
            if (cursor is not null)
            {
                body["cursor"] = cursor;
            }

            var page = await SendAsync(HttpMethod.Post, "v2/inventory/changes/batch-retrieve", body, cancellationToken);
            changes.AddRange((page["changes"]?.AsArray() ?? []).Select(c => c is null ? null : SquareInventoryChange.From(c)).OfType<SquareInventoryChange>());
            cursor = (string?)page["cursor"];
        }
        while (cursor is not null);

        return changes;
    }

    /// <summary>One page of the catalog's items, each with its variations.</summary>
    public Task<JsonNode> ListItemsAsync(string? cursor, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, "v2/catalog/list?types=ITEM" + (cursor is null ? string.Empty : "&cursor=" + Uri.EscapeDataString(cursor)), null, cancellationToken);

    /// <summary>The order, or null when Square has none by that id.</summary>
    public async Task<JsonNode?> RetrieveOrderAsync(string orderId, CancellationToken cancellationToken)
    {
        try
        {
            return (await SendAsync(HttpMethod.Get, "v2/orders/" + Uri.EscapeDataString(orderId), null, cancellationToken))["order"];
        }
        catch (SquareNotFoundException)
        {
            return null;
        }
    }

    private async Task<JsonNode> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellationToken)
    {
        var square = options.Value;
        for (var renewed = false; ; renewed = true)
        {
            using var request = new HttpRequestMessage(method, path);
            if (body is not null)
            {
                request.Content = JsonContent.Create(body);
            }

            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await tokens.GetAsync(cancellationToken));
            request.Headers.Add("Square-Version", square.ApiVersion);
            using var response = await http.SendAsync(request, cancellationToken);
            var json = await ReadAsync(response, cancellationToken);

            // ACCESS_TOKEN_EXPIRED or _REVOKED: the stored token may still look fresh (its 30 days not over), so a
            // refused one is refreshed, once, before the refusal stands.
            if (response.StatusCode == HttpStatusCode.Unauthorized && !renewed && await tokens.RenewAsync(cancellationToken))
            {
                continue;
            }

            return Result(method, path, response, json);
        }
    }

    private JsonNode Result(HttpMethod method, string path, HttpResponseMessage response, JsonNode? json)
    {
        if (response.IsSuccessStatusCode)
        {
            return json ?? throw new ChannelRequestException($"Square returned an empty body for {method} {Path(path)}.");
        }

        // Square's errors: {errors:[{category, code, detail, field}]}; the first decides the status.
        var errors = string.Join("; ", (json?["errors"] as JsonArray ?? []).Select(e => string.Create(CultureInfo.InvariantCulture, $"{(string?)e?["code"]}: {(string?)e?["detail"]}{((string?)e?["field"] is { } f ? " (" + f + ")" : string.Empty)}")));
        var message = string.Create(CultureInfo.InvariantCulture, $"Square answered {(int)response.StatusCode} to {method} {Path(path)}: {errors}");
        throw response.StatusCode switch
        {
            HttpStatusCode.NotFound => new SquareNotFoundException(message),
            _ when ChannelThrottledException.IsThrottle(response.StatusCode) => new ChannelThrottledException(message, response.StatusCode, ChannelThrottledException.RetryAfterOf(response, time)),
            >= HttpStatusCode.InternalServerError => new HttpRequestException(message, null, response.StatusCode),
            _ => new ChannelRequestException(message),
        };
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

    // The path without its query: cursors and ids in logs are noise.
    private static string Path(string path) => path.Split('?')[0];
}

/// <summary>A count Square reported: a variation's IN_STOCK quantity at a location.</summary>
public sealed record SquareCount(string VariationId, string LocationId, int Quantity, DateTimeOffset? CalculatedAt)
{
    /// <summary>Reads Square's count object; quantities are decimal strings, and the POS rounds fractions down.</summary>
    public static SquareCount? From(JsonNode count) =>
        (string?)count["catalog_object_id"] is { } id
        && (string?)count["location_id"] is { } location
        && decimal.TryParse((string?)count["quantity"], NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var quantity)
            ? new SquareCount(id, location, (int)Math.Floor(Math.Clamp(quantity, int.MinValue, int.MaxValue)), DateTimeOffset.TryParse((string?)count["calculated_at"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null)
            : null;
}

/// <summary>Square has nothing by that id.</summary>
public sealed class SquareNotFoundException : Exception
{
    public SquareNotFoundException()
    {
    }

    public SquareNotFoundException(string message)
        : base(message)
    {
    }

    public SquareNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

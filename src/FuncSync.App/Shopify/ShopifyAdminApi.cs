using System.Text.Json.Nodes;
using FuncSync.Push;
using Microsoft.Extensions.Options;

namespace FuncSync.Shopify;

/// <summary>The GraphQL Admin API at the pinned version: one POST per operation, paid for through
/// <see cref="ShopifyCostLimiter"/> (a Polly rate limiter in this client's pipeline reads the estimate this class puts
/// on the request), and fed back with the cost Shopify reports. A THROTTLED answer (another client shares the bucket,
/// or the estimate was low) waits for the restore rate and asks again.</summary>
public sealed class ShopifyAdminApi(HttpClient http, IOptions<ShopifyOptions> options, ShopifyCostLimiter limiter, TimeProvider time)
{
    /// <summary>The request option the rate limiter reads: the points the request will be charged.</summary>
    public static readonly HttpRequestOptionsKey<int> CostKey = new("FuncSync.Shopify.RequestedCost");

    // A few refusals in a row mean another client is draining the bucket; the queue retries later.
    private const int MaxThrottledAttempts = 5;

    /// <summary>Runs <paramref name="document"/> and returns its <c>data</c>. <paramref name="estimatedCost"/> is the
    /// requested cost expected for <paramref name="operation"/>; Shopify's own figure replaces it once seen.</summary>
    /// <exception cref="ChannelRequestException">Shopify refused the request in a way a retry cannot fix.</exception>
    public async Task<JsonNode> SendAsync(string operation, string document, JsonObject variables, int estimatedCost, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            // A read whose size varies (ids batched by the caller) is priced by the caller; what Shopify asked for
            // is remembered per operation and estimate, so one shape's figure never prices another's.
            var shape = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{operation}/{estimatedCost}");
            var body = await PostAsync(document, variables, limiter.EstimateFor(shape, estimatedCost), cancellationToken);
            limiter.Observe(shape, body["extensions"]?["cost"]);

            if (body["errors"] is not JsonArray { Count: > 0 } errors)
            {
                return body["data"] ?? throw new ChannelRequestException($"Shopify returned no data for {operation}.");
            }

            var text = string.Join("; ", errors.Select(e => (string?)e?["message"]));
            if (!errors.Any(e => (string?)e?["extensions"]?["code"] == "THROTTLED"))
            {
                throw new ChannelRequestException($"Shopify rejected {operation}: {text}");
            }

            if (attempt >= MaxThrottledAttempts)
            {
                // THROTTLED is a refusal: nothing ran. The bucket refills at the restore rate; the caller backs off.
                throw new ChannelThrottledException($"Shopify throttled {operation} {attempt} times: {text}", System.Net.HttpStatusCode.TooManyRequests, null);
            }

            // The limiter now mirrors the drained bucket: the next attempt waits there for the restore rate.
        }
    }

    private async Task<JsonObject> PostAsync(string document, JsonObject variables, int cost, CancellationToken cancellationToken)
    {
        var shopify = options.Value;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"admin/api/{shopify.ApiVersion}/graphql.json")
        {
            Content = JsonContent.Create(new JsonObject { ["query"] = document, ["variables"] = variables.DeepClone() }),
        };
        request.Options.Set(CostKey, cost);
        request.Headers.Add("X-Shopify-Access-Token", shopify.AccessToken);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            // 401/403/404 will not heal by retrying the message; 5xx and 429 were already retried by the pipeline.
            var status = (int)response.StatusCode;
            var message = $"Shopify answered {status} {response.ReasonPhrase}.";
            if (ChannelThrottledException.IsThrottle(response.StatusCode))
            {
                throw new ChannelThrottledException(message, response.StatusCode, ChannelThrottledException.RetryAfterOf(response, time));
            }

            throw status is >= 400 and < 500 ? new ChannelRequestException(message) : new HttpRequestException(message, null, response.StatusCode);
        }

        return await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken)
            ?? throw new ChannelRequestException("Shopify returned an empty body.");
    }
}

using System.Globalization;
using System.Text.Json;
using FuncSync.Json;
using FuncSync.Webhooks;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace FuncSync.Shopify;

/// <summary>HTTP function <c>POST /api/webhooks/shopify</c>. Verifies the signature over the raw body and
/// the shop, checks that an inventory-relevant topic's body reads, and accepts it whole into the
/// <see cref="ShopifyWebhookInbox"/> in one write before answering within Shopify's 5-second window; what
/// it means (events per line, a delayed level check, a mapping audit) is worked out behind the queue.</summary>
public sealed class ShopifyWebhookFunction(
    IOptions<ShopifyOptions> options,
    RejectedWebhookStore rejected,
    ShopifyWebhookInbox inbox,
    TimeProvider time,
    ILogger<ShopifyWebhookFunction> logger)
{
    public const string Name = "ShopifyWebhook";
    public const string Route = "webhooks/shopify";

    /// <summary>Shopify's event and webhook ids are GUIDs; the id travels in queue messages and blob names.</summary>
    public const int MaxEventIdLength = 200;

    [Function(Name)]
    public async Task<IResult> HandleAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route)] HttpRequest request, CancellationToken cancellationToken)
    {
        var receivedAt = time.GetUtcNow();
        var body = await RawBody.ReadAsync(request, cancellationToken);
        if (body is null)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, $"The webhook body is larger than {RawBody.MaxBytes} bytes.");
        }

        var headers = new ShopifyWebhookHeaders(request.Headers);
        var shopify = options.Value;
        if (!ShopifyWebhookSignature.IsValid(shopify.WebhookSecret, body, headers.Hmac))
        {
            if (!IsPreviousSecretValid(shopify, receivedAt, body, headers.Hmac))
            {
                logger.LogWarning("Refused a Shopify webhook with a missing or invalid signature (topic {Topic})", headers.Topic);
                return Problem(StatusCodes.Status401Unauthorized, "The webhook signature is missing or invalid.");
            }

            logger.LogInformation("Shopify webhook (topic {Topic}) is signed with the previous secret, accepted until {Until}", headers.Topic, shopify.PreviousWebhookSecretValidUntil);
        }

        if (!string.Equals(headers.ShopDomain, shopify.ShopDomain, StringComparison.OrdinalIgnoreCase))
        {
            logger.LogWarning("Refused a Shopify webhook from shop {ShopDomain}", headers.ShopDomain);
            return Problem(StatusCodes.Status401Unauthorized, "The webhook comes from a shop this FuncSync is not connected to.");
        }

        var eventId = headers.EventId ?? headers.WebhookId;
        if (eventId is null)
        {
            return Problem(StatusCodes.Status400BadRequest, "The webhook has neither X-Shopify-Event-Id nor X-Shopify-Webhook-Id, so it cannot be deduplicated.");
        }

        if (eventId.Length > MaxEventIdLength)
        {
            return Problem(StatusCodes.Status400BadRequest, $"The webhook's event id is longer than {MaxEventIdLength} characters.");
        }

        var topic = headers.Topic;
        var handled = topic switch
        {
            "orders/create" or "orders/paid" when string.Equals(topic, shopify.SaleTopic, StringComparison.Ordinal) => true,
            "orders/cancelled" or "refunds/create" or "inventory_levels/update" or "products/update" => true,
            "orders/fulfilled" or "orders/partially_fulfilled" => true,
            _ => false,
        };
        if (!handled)
        {
            logger.LogInformation("Ignored Shopify webhook topic {Topic} ({EventId})", topic, eventId);
            return Results.Ok();
        }

        try
        {
            ShopifyWebhookIntakeFunction.Validate(topic!, body);
        }
        catch (JsonException ex)
        {
            var kept = await rejected.KeepAsync("shopify", eventId, body, ex.Message, cancellationToken);
            logger.LogWarning("Shopify webhook {EventId} ({Topic}) is not readable; raw body kept as {Blob}", eventId, topic, kept);
            return Problem(StatusCodes.Status400BadRequest, $"The webhook body is not a readable {topic} payload ({ex.Message}). It was kept for inspection as {kept}.");
        }

        // One durable write, then the 200: a sender that hangs up afterwards loses nothing, and one that hangs up
        // before it gets no 200 and delivers again.
        await inbox.AcceptAsync(topic!, eventId, headers.TriggeredAt, receivedAt, body, cancellationToken);
        return Results.Ok();
    }

    private static bool IsPreviousSecretValid(ShopifyOptions shopify, DateTimeOffset now, byte[] body, string? hmac) =>
        shopify.PreviousWebhookSecret is { Length: > 0 } previous
        && shopify.PreviousWebhookSecretValidUntil is { } until
        && now <= until
        && ShopifyWebhookSignature.IsValid(previous, body, hmac);

    private static IResult Problem(int status, string error) =>
        Results.Json(new ProblemBody(error), FuncSyncJson.Default.ProblemBody, statusCode: status);
}

/// <summary>Shopify's delivery headers, read case-insensitively in both the <c>X-Shopify-*</c> form and
/// the un-prefixed <c>shopify-*</c> form that newer deliveries send.</summary>
internal readonly struct ShopifyWebhookHeaders(IHeaderDictionary headers)
{
    public string? Hmac => Get("Hmac-Sha256");

    public string? Topic => Get("Topic");

    public string? ShopDomain => Get("Shop-Domain");

    public string? EventId => Get("Event-Id");

    public string? WebhookId => Get("Webhook-Id");

    public DateTimeOffset? TriggeredAt =>
        DateTimeOffset.TryParse(Get("Triggered-At"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    private string? Get(string name)
    {
        var value = headers["X-Shopify-" + name];
        if (string.IsNullOrEmpty(value))
        {
            value = headers["shopify-" + name];
        }

        return string.IsNullOrWhiteSpace(value) ? null : value.ToString();
    }
}

using System.Globalization;
using System.Text.Json;
using FuncSync.Domain;
using FuncSync.Hosting.Functions;
using FuncSync.Json;
using FuncSync.Ledger;
using FuncSync.Storage;
using FuncSync.Webhooks;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace FuncSync.Shopify;

/// <summary>HTTP function <c>POST /api/webhooks/shopify</c>. Verifies the signature over the raw body and
/// the shop, turns each inventory-relevant topic into events on the <c>inventory-events</c> queue (or a
/// delayed level check, or a mapping alert), and answers within Shopify's 5-second window; the ledger
/// work happens behind the queues.</summary>
public sealed class ShopifyWebhookFunction(
    IOptions<ShopifyOptions> options,
    IQueueSender queues,
    StorageNames names,
    RejectedWebhookStore rejected,
    ShopifyQueues shopifyQueues,
    ShopifyLevelWatermarks levels,
    Mapping.MappingAuditor audit,
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
            // Times outside a window of the receipt (unsigned headers, clocks gone wrong) give way to the receipt time.
            var at = headers.TriggeredAt;
            switch (topic)
            {
                case "orders/cancelled":
                    var cancelled = Read(body, ShopifyJson.Default.ShopifyOrder, ShopifyPayloadRules.Check);
                    await SendAsync(ShopifyEventTranslator.Cancellations(cancelled, EventTimes.FirstPlausible(receivedAt, at, cancelled.CancelledAt), receivedAt, SkippedLine(cancelled)), topic, eventId, cancellationToken);
                    break;
                case "orders/fulfilled" or "orders/partially_fulfilled":
                    var shipped = Read(body, ShopifyJson.Default.ShopifyOrder, ShopifyPayloadRules.Check);
                    await SendAsync(ShopifyEventTranslator.Fulfilments(shipped, EventTimes.FirstPlausible(receivedAt, at), receivedAt, SkippedLine(shipped)), topic, eventId, cancellationToken);
                    break;
                case "refunds/create":
                    var refund = Read(body, ShopifyJson.Default.ShopifyRefund, ShopifyPayloadRules.Check);
                    await SendAsync(ShopifyEventTranslator.Refund(refund, EventTimes.FirstPlausible(receivedAt, at, refund.CreatedAt), receivedAt, SkippedRefundLine(refund)), topic, eventId, cancellationToken);
                    break;
                case "inventory_levels/update":
                    var level = Read(body, ShopifyJson.Default.ShopifyInventoryLevel, ShopifyPayloadRules.Check);
                    await CheckLevelLaterAsync(level, eventId, EventTimes.FirstPlausible(receivedAt, at, level.UpdatedAt), receivedAt, cancellationToken);
                    break;
                case "products/update":
                    await AuditProductAsync(Read(body, ShopifyJson.Default.ShopifyProduct, ShopifyPayloadRules.Check), cancellationToken);
                    break;
                default:
                    var order = Read(body, ShopifyJson.Default.ShopifyOrder, ShopifyPayloadRules.Check);
                    await SendAsync(ShopifyEventTranslator.Sales(order, EventTimes.FirstPlausible(receivedAt, at, order.CreatedAt), receivedAt, SkippedLine(order)), topic!, eventId, cancellationToken);
                    break;
            }
        }
        catch (JsonException ex)
        {
            var kept = await rejected.KeepAsync("shopify", eventId, body, ex.Message, cancellationToken);
            logger.LogWarning("Shopify webhook {EventId} ({Topic}) is not readable; raw body kept as {Blob}", eventId, topic, kept);
            return Problem(StatusCodes.Status400BadRequest, $"The webhook body is not a readable {topic} payload ({ex.Message}). It was kept for inspection as {kept}.");
        }

        return Results.Ok();
    }

    private static bool IsPreviousSecretValid(ShopifyOptions shopify, DateTimeOffset now, byte[] body, string? hmac) =>
        shopify.PreviousWebhookSecret is { Length: > 0 } previous
        && shopify.PreviousWebhookSecretValidUntil is { } until
        && now <= until
        && ShopifyWebhookSignature.IsValid(previous, body, hmac);

    /// <summary>Reads and checks a payload; whatever is wrong with it is a <see cref="JsonException"/>.</summary>
    private static T Read<T>(byte[] body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, Action<T> check)
    {
        // The reader leaves string contents to be transcoded later, where bad UTF-8 would be an InvalidOperationException.
        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            throw new JsonException("The body is not valid UTF-8.");
        }

        var payload = JsonSerializer.Deserialize(body, type) ?? throw new JsonException("The body is the JSON literal null.");
        check(payload);
        return payload;
    }

    private async Task SendAsync(IReadOnlyList<InventoryEventReceived> events, string topic, string eventId, CancellationToken cancellationToken)
    {
        foreach (var received in events)
        {
            // A failure here answers 500 and Shopify redelivers; events already sent dedupe on their ids.
            await queues.SendAsync(names.InventoryEventsQueue, JsonSerializer.Serialize(received, FuncSyncJson.Default.InventoryEventReceived), cancellationToken);
        }

        logger.LogInformation("Shopify {Topic} ({EventId}): {Count} events queued", topic, eventId, events.Count);
    }

    private async Task CheckLevelLaterAsync(ShopifyInventoryLevel level, string eventId, DateTimeOffset at, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        if (!await levels.TryAdvanceAsync(level.InventoryItemId, level.LocationId, at, cancellationToken))
        {
            logger.LogInformation(
                "Ignored a stale inventory_levels/update {EventId} for item {Item} at {Location}, triggered at {TriggeredAt}: a newer one was seen",
                eventId, level.InventoryItemId, level.LocationId, at);
            return;
        }

        var check = new ShopifyLevelChanged(eventId, level.InventoryItemId, level.LocationId, level.Available, at, receivedAt);
        await shopifyQueues.SendLevelCheckAsync(JsonSerializer.Serialize(check, ShopifyJson.Default.ShopifyLevelChanged), options.Value.LevelCheckDelay, cancellationToken);
    }

    /// <summary>The mapping audit of this one product: the same code as the weekly audit, so an unmapped variant, a
    /// mapped variant gone from its product, and a sale of either raise one alert per variant.</summary>
    private Task AuditProductAsync(ShopifyProduct product, CancellationToken cancellationToken)
    {
        var productId = product.Id.ToString(CultureInfo.InvariantCulture);
        var present = product.Variants
            .Select(v => new Mapping.CatalogListing(new ListingRef(Channel.Shopify, v.Id.ToString(CultureInfo.InvariantCulture)), v.Sku, product.Title ?? v.Title ?? string.Empty, productId))
            .ToList();
        return audit.AuditProductAsync(Channel.Shopify, productId, present, cancellationToken);
    }

    private Action<ShopifyLineItem> SkippedLine(ShopifyOrder order) => line =>
        logger.LogInformation("Skipped line {LineId} of order {Order}: no variant, stock not tracked by Shopify, or nothing to move", line.Id, order.Name);

    private Action<ShopifyRefundLineItem> SkippedRefundLine(ShopifyRefund refund) => line =>
        logger.LogInformation("Skipped refund line {LineId} of refund {Refund}: restock type {RestockType} or no tracked variant", line.Id, refund.Id, line.RestockType);

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

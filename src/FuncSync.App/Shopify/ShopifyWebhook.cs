using System.Globalization;
using System.Text.Json;
using FuncSync.Channels.Webhooks;
using FuncSync.Domain;
using FuncSync.Ledger;
using FuncSync.Webhooks;
using Microsoft.Extensions.Options;

namespace FuncSync.Shopify;

/// <summary>Shopify's webhooks at <c>/api/webhooks/shopify</c>. At the door: the signature over the raw body (with the
/// previous secret during its rotation window), the shop, the topic, an event id, and that a relevant body reads as its
/// topic's payload, all within Shopify's 5-second window. Behind the inbox queue: an order becomes one event per line
/// on <c>inventory-events</c>, sent in parallel, a 10,000-line order included; a failure part-way throws, and the
/// retry sends every line again, which the ledger's dedupe rows absorb. Level changes become delayed level checks, and
/// product updates a mapping audit of that product.</summary>
public sealed class ShopifyWebhook(
    IOptions<ShopifyOptions> options,
    InventoryEventSender inventoryEvents,
    ShopifyQueues shopifyQueues,
    ShopifyLevelWatermarks levels,
    Mapping.MappingAuditor audit,
    ILogger<ShopifyWebhook> logger) : IChannelWebhook
{
    // Enough sends in flight to move thousands of lines in seconds without crowding the storage account.
    private const int SendConcurrency = 16;

    public Channel Channel => Channel.Shopify;

    public ValueTask<WebhookVerdict> VerifyAsync(WebhookDelivery delivery, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Verify(delivery));

    public async Task HandleAsync(AcceptedWebhook accepted, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        // Times outside a window of the receipt (unsigned headers, clocks gone wrong) give way to the receipt time.
        var (topic, eventId, at, receivedAt) = (accepted.Topic, accepted.EventId, accepted.OccurredAt, accepted.ReceivedAt);
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
            case "fulfillments/update":
                var fulfillment = Read(body, ShopifyJson.Default.ShopifyFulfillmentUpdate, ShopifyPayloadRules.Check);
                if (fulfillment.Status is "cancelled")
                {
                    // Other updates (tracking numbers, delivery) move no stock; the shipment itself came as orders/fulfilled.
                    var undone = fulfillment.AsOrder();
                    await SendAsync(ShopifyEventTranslator.Fulfilments(undone, EventTimes.FirstPlausible(receivedAt, at, fulfillment.UpdatedAt), receivedAt, SkippedLine(undone)), topic, eventId, cancellationToken);
                }

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
                await SendAsync(ShopifyEventTranslator.Sales(order, EventTimes.FirstPlausible(receivedAt, at, order.CreatedAt), receivedAt, SkippedLine(order)), topic, eventId, cancellationToken);
                break;
        }
    }

    private WebhookVerdict Verify(WebhookDelivery delivery)
    {
        var headers = new ShopifyWebhookHeaders(delivery);
        var shopify = options.Value;
        var body = delivery.Body.Span;
        if (!ShopifyWebhookSignature.IsValid(shopify.WebhookSecret, body, headers.Hmac))
        {
            if (!IsPreviousSecretValid(shopify, delivery.ReceivedAt, body, headers.Hmac))
            {
                return WebhookVerdict.Unauthorized("The webhook signature is missing or invalid.");
            }

            logger.LogInformation("Shopify webhook (topic {Topic}) is signed with the previous secret, accepted until {Until}", headers.Topic, shopify.PreviousWebhookSecretValidUntil);
        }

        if (!string.Equals(headers.ShopDomain, shopify.ShopDomain, StringComparison.OrdinalIgnoreCase))
        {
            logger.LogWarning("Refused a Shopify webhook from shop {ShopDomain}", headers.ShopDomain);
            return WebhookVerdict.Unauthorized("The webhook comes from a shop this FuncSync is not connected to.");
        }

        if ((headers.EventId ?? headers.WebhookId) is not { } eventId)
        {
            return WebhookVerdict.Reject(StatusCodes.Status400BadRequest, "The webhook has neither X-Shopify-Event-Id nor X-Shopify-Webhook-Id, so it cannot be deduplicated.");
        }

        if (eventId.Length > AcceptedWebhook.MaxEventIdLength)
        {
            return WebhookVerdict.Reject(StatusCodes.Status400BadRequest, $"The webhook's event id is longer than {AcceptedWebhook.MaxEventIdLength} characters.");
        }

        var topic = headers.Topic;
        var handled = topic switch
        {
            "orders/create" or "orders/paid" when string.Equals(topic, shopify.SaleTopic, StringComparison.Ordinal) => true,
            "orders/cancelled" or "refunds/create" or "inventory_levels/update" or "products/update" => true,
            "orders/fulfilled" or "orders/partially_fulfilled" or "fulfillments/update" => true,
            _ => false,
        };
        if (!handled)
        {
            return WebhookVerdict.Ignore($"topic {topic} ({eventId})");
        }

        try
        {
            Validate(topic!, delivery.Body);
        }
        catch (JsonException ex)
        {
            return WebhookVerdict.Unreadable($"The webhook body is not a readable {topic} payload ({ex.Message}).", eventId);
        }

        return WebhookVerdict.Accept(topic!, eventId, headers.TriggeredAt);
    }

    /// <summary>Reads the body as its topic's payload, as <see cref="HandleAsync"/> will, so a body that does not read
    /// is refused at the door (400, kept for inspection) and never reaches the queue.</summary>
    private static void Validate(string topic, ReadOnlyMemory<byte> body)
    {
        _ = topic switch
        {
            "orders/cancelled" or "orders/create" or "orders/paid" or "orders/fulfilled" or "orders/partially_fulfilled" => (object)Read(body, ShopifyJson.Default.ShopifyOrder, ShopifyPayloadRules.Check),
            "refunds/create" => Read(body, ShopifyJson.Default.ShopifyRefund, ShopifyPayloadRules.Check),
            "fulfillments/update" => Read(body, ShopifyJson.Default.ShopifyFulfillmentUpdate, ShopifyPayloadRules.Check),
            "inventory_levels/update" => Read(body, ShopifyJson.Default.ShopifyInventoryLevel, ShopifyPayloadRules.Check),
            "products/update" => Read(body, ShopifyJson.Default.ShopifyProduct, ShopifyPayloadRules.Check),
            _ => throw new ArgumentException($"Topic {topic} is not handled.", nameof(topic)),
        };
    }

    private static bool IsPreviousSecretValid(ShopifyOptions shopify, DateTimeOffset now, ReadOnlySpan<byte> body, string? hmac) =>
        shopify.PreviousWebhookSecret is { Length: > 0 } previous
        && shopify.PreviousWebhookSecretValidUntil is { } until
        && now <= until
        && ShopifyWebhookSignature.IsValid(previous, body, hmac);

    /// <summary>Reads and checks a payload; whatever is wrong with it is a <see cref="JsonException"/>.</summary>
    private static T Read<T>(ReadOnlyMemory<byte> body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, Action<T> check)
    {
        // The reader leaves string contents to be transcoded later, where bad UTF-8 would be an InvalidOperationException.
        if (!System.Text.Unicode.Utf8.IsValid(body.Span))
        {
            throw new JsonException("The body is not valid UTF-8.");
        }

        var payload = JsonSerializer.Deserialize(body.Span, type) ?? throw new JsonException("The body is the JSON literal null.");
        check(payload);
        return payload;
    }

    private async Task SendAsync(IReadOnlyList<InventoryEventReceived> events, string topic, string eventId, CancellationToken cancellationToken)
    {
        await Parallel.ForEachAsync(
            events,
            new ParallelOptions { MaxDegreeOfParallelism = SendConcurrency, CancellationToken = cancellationToken },
            async (received, ct) => await inventoryEvents.SendAsync(received, ct));
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

    /// <summary>The mapping audit of this one product: the same code as the daily audit, so an unmapped variant, a
    /// mapped variant gone from its product, and a sale of either raise one alert per variant.</summary>
    private Task AuditProductAsync(ShopifyProduct product, CancellationToken cancellationToken)
    {
        var productId = product.Id.ToString(CultureInfo.InvariantCulture);
        var present = product.Variants
            .Select(v => new Mapping.CatalogListing(new ListingRef(Channel.Shopify, v.Id.ToString(CultureInfo.InvariantCulture)), v.Sku, product.Title ?? v.Title ?? string.Empty, productId)
            {
                Guard = ShopifyStockGuards.Guard(
                    v.Id.ToString(CultureInfo.InvariantCulture),
                    v.InventoryManagement is { Length: > 0 },
                    string.Equals(v.InventoryPolicy, "continue", StringComparison.OrdinalIgnoreCase)),
            })
            .ToList();
        return audit.AuditProductAsync(Channel.Shopify, productId, present, cancellationToken);
    }

    private Action<ShopifyLineItem> SkippedLine(ShopifyOrder order) => line =>
        logger.LogInformation("Skipped line {LineId} of order {Order}: no variant, stock not tracked by Shopify, or nothing to move", line.Id, order.Name);

    private Action<ShopifyRefundLineItem> SkippedRefundLine(ShopifyRefund refund) => line =>
        logger.LogInformation("Skipped refund line {LineId} of refund {Refund}: restock type {RestockType} or no tracked variant", line.Id, refund.Id, line.RestockType);
}

/// <summary>Shopify's delivery headers in both the <c>X-Shopify-*</c> form and the un-prefixed <c>shopify-*</c> form
/// that newer deliveries send (the delivery compares names case-insensitively).</summary>
internal readonly struct ShopifyWebhookHeaders(WebhookDelivery delivery)
{
    public string? Hmac => Get("Hmac-Sha256");

    public string? Topic => Get("Topic");

    public string? ShopDomain => Get("Shop-Domain");

    public string? EventId => Get("Event-Id");

    public string? WebhookId => Get("Webhook-Id");

    public DateTimeOffset? TriggeredAt =>
        DateTimeOffset.TryParse(Get("Triggered-At"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    private string? Get(string name) => delivery.Header("X-Shopify-" + name) ?? delivery.Header("shopify-" + name);
}

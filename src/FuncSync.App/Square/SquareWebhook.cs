using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FuncSync.Channels.Webhooks;
using FuncSync.Domain;
using Microsoft.Extensions.Options;

namespace FuncSync.Square;

/// <summary>Square's notifications at <c>/api/webhooks/square</c>. At the door: the signature over the registered
/// notification URL and the raw body (in constant time), the merchant, the topic, the <c>event_id</c> the inbox
/// deduplicates on, and that the payload reads; a DRAFT order is acknowledged and ignored. Behind the queue: an order is
/// imported from the Orders API (<see cref="SquareOrderImport"/>), since the notification names only the order; a count
/// change is explained from Square's change log (<see cref="SquareCountIntake"/>): a sale rung up at the register, at
/// once or uploaded late, becomes a sale now, and only what the log cannot explain waits for the level check.</summary>
public sealed class SquareWebhook(
    IOptions<SquareOptions> options,
    SquareOrderImport orders,
    SquareCountIntake counts,
    ILogger<SquareWebhook> logger) : IChannelWebhook
{
    public const string Source = "square";
    public const string CountUpdated = "inventory.count.updated";
    public const string OrderCreated = "order.created";
    public const string OrderUpdated = "order.updated";

    public Channel Channel => Channel.Square;

    public ValueTask<WebhookVerdict> VerifyAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var s = options.Value;
        if (s.NotificationUrl is not { } url || !SquareWebhookSignature.IsValid(s.WebhookSignatureKey, url.OriginalString, delivery.Body.Span, delivery.Header(SquareWebhookSignature.Header)))
        {
            logger.LogWarning("Refused a Square notification with a missing or invalid signature");
            return Verdict(WebhookVerdict.Unauthorized("The x-square-hmacsha256-signature is missing or invalid for the registered notification URL."));
        }

        JsonNode? payload;
        try
        {
            payload = delivery.BodyText() is { } text ? JsonNode.Parse(text) : throw new JsonException("The body is not valid UTF-8.");
        }
        catch (JsonException ex)
        {
            return Verdict(WebhookVerdict.Unreadable($"The notification is not JSON ({ex.Message}).", null));
        }

        var eventId = Text(payload?["event_id"]);
        if (s.MerchantId is { Length: > 0 } merchant && !string.Equals(Text(payload?["merchant_id"]), merchant, StringComparison.Ordinal))
        {
            logger.LogWarning("Refused a Square notification for another merchant");
            return Verdict(WebhookVerdict.Unauthorized("The notification is for a merchant this FuncSync is not connected to."));
        }

        if (eventId is null)
        {
            return Verdict(WebhookVerdict.Unreadable("The notification has no event_id to deduplicate on.", null));
        }

        var topic = Text(payload!["type"]);
        if (topic is not (CountUpdated or OrderCreated or OrderUpdated))
        {
            return Verdict(WebhookVerdict.Ignore($"Square topic {topic} is not used."));
        }

        if (Problem(topic, payload) is { } problem)
        {
            return Verdict(WebhookVerdict.Unreadable($"The {topic} notification does not read: {problem}.", eventId));
        }

        if (topic != CountUpdated && Text(OrderSummary(topic, payload)?["state"]) == "DRAFT")
        {
            // A draft is a cart, not a sale; the order.updated that opens it carries the sale.
            return Verdict(WebhookVerdict.Ignore("Draft order."));
        }

        return Verdict(WebhookVerdict.Accept(topic, eventId, Time(payload["created_at"])));
    }

    public async Task HandleAsync(AcceptedWebhook accepted, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accepted);
        var payload = JsonNode.Parse(body.Span) ?? throw new InvalidDataException("The accepted notification is empty.");
        if (accepted.Topic == CountUpdated)
        {
            var locations = options.Value.Locations;
            var variations = (payload["data"]!["object"]!["inventory_counts"] as JsonArray ?? [])
                .Where(c => locations.Contains(Text(c?["location_id"]) ?? string.Empty, StringComparer.Ordinal))
                .Select(c => Text(c?["catalog_object_id"])!);
            await counts.HandleAsync(accepted, variations, cancellationToken);
            return;
        }

        var orderId = Text(OrderSummary(accepted.Topic, payload)?["order_id"]) ?? throw new InvalidDataException("The order notification names no order.");
        await orders.ImportAsync(orderId, accepted.Topic + " " + accepted.EventId, accepted.ReceivedAt, accepted.OccurredAt, cancellationToken);
    }

    /// <summary>Why a relevant payload cannot be handled, or null when it can.</summary>
    private static string? Problem(string topic, JsonNode payload)
    {
        if (topic == CountUpdated)
        {
            if (payload["data"]?["object"]?["inventory_counts"] is not JsonArray counts)
            {
                return "data.object.inventory_counts is missing";
            }

            return counts.All(c => c is JsonObject && Text(c["catalog_object_id"]) is not null && Text(c["location_id"]) is not null)
                ? null
                : "a count lacks catalog_object_id or location_id";
        }

        return OrderSummary(topic, payload) is { } order && Text(order["order_id"]) is not null && Text(order["state"]) is not null
            ? null
            : $"data.object.{(topic == OrderCreated ? "order_created" : "order_updated")} lacks order_id or state";
    }

    private static JsonNode? OrderSummary(string topic, JsonNode payload) =>
        payload["data"]?["object"]?[topic == OrderCreated ? "order_created" : "order_updated"];

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text) ? text : null;

    private static DateTimeOffset? Time(JsonNode? node) =>
        DateTimeOffset.TryParse(Text(node), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    private static ValueTask<WebhookVerdict> Verdict(WebhookVerdict verdict) => ValueTask.FromResult(verdict);
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FuncSync.Catalog;
using FuncSync.Channels.Webhooks;
using FuncSync.Domain;
using FuncSync.Domain.Ledger;
using FuncSync.Hosting.Storage;
using FuncSync.Ledger;
using FuncSync.Storage;
using FuncSync.Webhooks;
using Microsoft.Extensions.Options;

namespace FuncSync.Square;

/// <summary>Square's notifications at <c>/api/webhooks/square</c>. At the door: the signature over the registered
/// notification URL and the raw body (in constant time), the merchant, the topic, the <c>event_id</c> the inbox
/// deduplicates on, and that the payload reads; a DRAFT order is acknowledged and ignored. Behind the queue: an order's
/// lines become sales (and cancellations, and shipments once completed) with ids from the order, read from the Orders
/// API since the notification names only the order; a count change becomes a level check after a settling delay,
/// which takes what FuncSync's writes and imported orders do not explain (a sale rung up at the register, an offline
/// sale uploaded late, a count edited there) as an adjustment.</summary>
public sealed class SquareWebhook(
    IOptions<SquareOptions> options,
    SquareApi square,
    SkuMapStore map,
    InventoryEventSender inventoryEvents,
    StorageClients storage,
    StorageNames names,
    ILogger<SquareWebhook> logger) : IChannelWebhook
{
    public const string Source = "square";
    public const string CountUpdated = "inventory.count.updated";
    public const string OrderCreated = "order.created";
    public const string OrderUpdated = "order.updated";

    // Enough sends in flight to move a large order in seconds without crowding the storage account.
    private const int SendConcurrency = 16;

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
            await CheckCountsLaterAsync(accepted, payload, cancellationToken);
            return;
        }

        var orderId = Text(OrderSummary(accepted.Topic, payload)?["order_id"]) ?? throw new InvalidDataException("The order notification names no order.");
        await ApplyOrderAsync(accepted, orderId, cancellationToken);
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

    private async Task CheckCountsLaterAsync(AcceptedWebhook accepted, JsonNode payload, CancellationToken cancellationToken)
    {
        var s = options.Value;
        var locations = s.Locations;
        var variations = (payload["data"]!["object"]!["inventory_counts"] as JsonArray ?? [])
            .Where(c => locations.Contains(Text(c?["location_id"]) ?? string.Empty, StringComparer.Ordinal))
            .Select(c => Text(c?["catalog_object_id"])!)
            .Distinct(StringComparer.Ordinal);
        foreach (var variation in variations)
        {
            var sku = await map.FindSkuAsync(new ListingRef(Channel.Square, variation), cancellationToken);
            if (sku is null)
            {
                logger.LogInformation("Square variation {Variation} is not mapped; its count change is the mapping audit's business", variation);
                continue;
            }

            // The check reads Square when it runs, so whichever of several notifications runs first sees every change.
            var check = new SquareCountChanged(accepted.EventId, variation, sku, EventTimes.FirstPlausible(accepted.ReceivedAt, accepted.OccurredAt), accepted.ReceivedAt);
            await storage.Queue(names.SquareLevelChecksQueue).SendMessageAsync(
                JsonSerializer.Serialize(check, SquareJson.Default.SquareCountChanged), visibilityTimeout: s.LevelCheckDelay, cancellationToken: cancellationToken);
        }
    }

    private async Task ApplyOrderAsync(AcceptedWebhook accepted, string orderId, CancellationToken cancellationToken)
    {
        // The notification names the order only; its lines and its state now come from the Orders API (level-triggered:
        // a late order.created of an order since cancelled reads as cancelled).
        var order = await square.RetrieveOrderAsync(orderId, cancellationToken);
        if (order is null)
        {
            logger.LogWarning("Square order {Order} ({EventId}) is not found; nothing applied", orderId, accepted.EventId);
            return;
        }

        var state = Text(order["state"]);
        var location = Text(order["location_id"]);
        if (state == "DRAFT" || !options.Value.Locations.Contains(location ?? string.Empty, StringComparer.Ordinal))
        {
            logger.LogInformation("Square order {Order} is {State} at location {Location}: no stock of the synced locations moved", orderId, state, location);
            return;
        }

        var createdAt = Time(order["created_at"]);
        var occurredAt = EventTimes.FirstPlausible(accepted.ReceivedAt, createdAt, accepted.OccurredAt);
        var reference = "Square order " + orderId;
        var events = new List<InventoryEventReceived>();
        foreach (var line in order["line_items"]?.AsArray() ?? [])
        {
            var uid = Text(line?["uid"]);
            var variation = Text(line?["catalog_object_id"]);
            if (uid is null || variation is null || !int.TryParse(Text(line!["quantity"]), NumberStyles.None, CultureInfo.InvariantCulture, out var quantity) || quantity <= 0)
            {
                // A custom amount, or a fractional quantity sold by weight: no catalog unit to move.
                logger.LogInformation("Skipped a line of Square order {Order}: no catalog variation or no whole quantity", orderId);
                continue;
            }

            var listing = new ListingRef(Channel.Square, variation);
            var saleId = $"square:sale:{orderId}:{uid}";
            events.Add(new InventoryEventReceived(saleId, InventoryEventKind.Sale, Source, listing, null, quantity, occurredAt, accepted.ReceivedAt, reference));
            if (state == "CANCELED")
            {
                events.Add(new InventoryEventReceived($"square:cancel:{orderId}:{uid}", InventoryEventKind.Cancellation, Source, listing, null, quantity, occurredAt, accepted.ReceivedAt, reference, SoldAt: createdAt, RestockOf: saleId));
            }
            else if (state == "COMPLETED")
            {
                events.Add(new InventoryEventReceived($"square:shipment:{orderId}:{uid}", InventoryEventKind.Fulfilment, Source, listing, null, quantity, occurredAt, accepted.ReceivedAt, reference, SoldAt: createdAt));
            }
        }

        // A sale first, then what undoes or ships it: the ledger holds a restock that arrives before its sale anyway.
        await Parallel.ForEachAsync(
            events.Where(e => e.Kind == InventoryEventKind.Sale),
            new ParallelOptions { MaxDegreeOfParallelism = SendConcurrency, CancellationToken = cancellationToken },
            async (received, ct) => await SendAsync(received, ct));
        foreach (var received in events.Where(e => e.Kind != InventoryEventKind.Sale))
        {
            await SendAsync(received, cancellationToken);
        }

        logger.LogInformation("Square {Topic} ({EventId}): order {Order} is {State}, {Count} events queued", accepted.Topic, accepted.EventId, orderId, state, events.Count);
    }

    private Task SendAsync(InventoryEventReceived received, CancellationToken cancellationToken) =>
        inventoryEvents.SendAsync(received, cancellationToken);

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text) ? text : null;

    private static DateTimeOffset? Time(JsonNode? node) =>
        DateTimeOffset.TryParse(Text(node), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    private static ValueTask<WebhookVerdict> Verdict(WebhookVerdict verdict) => ValueTask.FromResult(verdict);
}

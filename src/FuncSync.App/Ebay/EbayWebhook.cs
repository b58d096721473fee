using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FuncSync.Channels.Webhooks;
using FuncSync.Domain;
using FuncSync.Ledger;
using Microsoft.Extensions.Options;

namespace FuncSync.Ebay;

/// <summary>eBay's Notification API destination at <c>/api/webhooks/ebay</c>. A GET with <c>challenge_code</c> is the
/// endpoint validation, answered <c>{"challengeResponse": …}</c> from the configured verification token and endpoint URL.
/// A POST is verified at the door (the ECDSA <c>X-EBAY-SIGNATURE</c> against the key eBay serves for its kid, fetched
/// once and cached: the one call the door makes, as eBay's own SDKs do) and deduplicated on its notificationId. An
/// <c>ORDER_CONFIRMATION</c> is only a hint, one per line item and sometimes repeated: behind the inbox the order is read
/// from the Fulfillment API and all its lines applied with ids from the order and line ids, so the order's other
/// notifications, its repeats and the orders poll add nothing.</summary>
public sealed class EbayWebhook(
    IOptions<EbayOptions> options,
    EbayPublicKeys keys,
    EbayApi ebay,
    InventoryEventSender inventoryEvents,
    ILogger<EbayWebhook> logger) : IChannelWebhook
{
    public Channel Channel => Channel.Ebay;

    public async ValueTask<WebhookVerdict> VerifyAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var s = options.Value;
        if (delivery.IsGet)
        {
            if (delivery.QueryValue("challenge_code") is not { Length: > 0 and <= 200 } code)
            {
                return WebhookVerdict.Reject(400, "A GET is eBay's endpoint validation and carries challenge_code.");
            }

            var answer = new JsonObject { ["challengeResponse"] = EbayNotificationSignature.ChallengeResponse(code, s.VerificationToken, s.NotificationUrl!.OriginalString) };
            return WebhookVerdict.Respond(200, "application/json", Encoding.UTF8.GetBytes(answer.ToJsonString()));
        }

        if (EbayNotificationSignature.Parse(delivery.Header(EbayNotificationSignature.Header)) is not { } signature)
        {
            logger.LogWarning("Refused an eBay notification with a missing or unreadable signature header");
            return WebhookVerdict.Unauthorized("The X-EBAY-SIGNATURE header is missing or is not eBay's signature.");
        }

        EbayPublicKey? key;
        try
        {
            key = await keys.GetAsync(signature.Kid, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            // Nothing stored and no 2xx: eBay delivers the notification again later.
            logger.LogWarning(ex, "Could not fetch eBay's notification key {Kid}", signature.Kid);
            return WebhookVerdict.Reject(503, "eBay's notification key could not be fetched just now; deliver again later.");
        }

        if (key is null || !EbayNotificationSignature.Verify(delivery.Body.Span, signature, key))
        {
            logger.LogWarning("Refused an eBay notification whose signature does not verify (kid {Kid})", signature.Kid);
            return WebhookVerdict.Unauthorized("The X-EBAY-SIGNATURE does not verify against eBay's key for its kid.");
        }

        JsonNode? payload;
        try
        {
            payload = JsonNode.Parse(delivery.Body.Span);
        }
        catch (JsonException ex)
        {
            return WebhookVerdict.Unreadable($"The notification is not JSON ({ex.Message}).", null);
        }

        var notificationId = (string?)payload?["notification"]?["notificationId"];
        var topic = (string?)payload?["metadata"]?["topic"];
        if (notificationId is null || topic is null)
        {
            return WebhookVerdict.Unreadable("The notification lacks metadata.topic or notification.notificationId.", null);
        }

        if (topic != "ORDER_CONFIRMATION")
        {
            return WebhookVerdict.Ignore($"eBay topic {topic} is not used.");
        }

        if ((string?)payload!["notification"]?["data"]?["orderId"] is not { Length: > 0 })
        {
            return WebhookVerdict.Unreadable("The ORDER_CONFIRMATION names no orderId.", notificationId);
        }

        return WebhookVerdict.Accept(topic, notificationId, EbayOrders.Time(payload["notification"]?["eventDate"]));
    }

    public async Task HandleAsync(AcceptedWebhook accepted, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accepted);
        var payload = JsonNode.Parse(body.Span) ?? throw new InvalidDataException("The accepted notification is empty.");
        var orderId = (string)payload["notification"]!["data"]!["orderId"]!;

        // The notification is a hint: the order as eBay holds it now says what to apply (all lines, and a cancellation
        // already made).
        var order = await ebay.GetOrderAsync(orderId, cancellationToken);
        if (order is null)
        {
            logger.LogWarning("eBay order {Order} ({NotificationId}) is not found; the orders poll takes it if it appears", orderId, accepted.EventId);
            return;
        }

        var events = EbayOrders.Events(order, accepted.ReceivedAt, accepted.OccurredAt, line => logger.LogInformation("Skipped line {Line} of eBay order {Order}: no SKU or quantity", line, orderId));
        foreach (var received in events)
        {
            await inventoryEvents.SendAsync(received, cancellationToken);
        }

        logger.LogInformation("eBay {Topic} ({NotificationId}): order {Order}, {Count} events queued", accepted.Topic, accepted.EventId, orderId, events.Count);
    }
}

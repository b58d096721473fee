using System.Globalization;
using System.Text.Json;
using FuncSync.Channels.Webhooks;
using FuncSync.Domain;
using FuncSync.Push;
using FuncSync.Webhooks;
using Microsoft.Extensions.Options;

namespace FuncSync.Etsy;

/// <summary>Etsy's ORDER_PAID webhook (commercial apps) at <c>/api/webhooks/etsy</c>. At the door: the Standard Webhooks
/// signature and timestamp, this shop, the event type and a receipt of this shop in <c>resource_url</c>. Behind the
/// inbox queue: fetches the receipt and queues the same <c>etsy:txn:{transaction_id}</c> events the poll would, so
/// whichever path is first counts and the other is deduplicated. An outage while fetching throws, and the queue retries;
/// a receipt Etsy refuses is kept for inspection and the delivery is done (the receipt poll stays the backstop).</summary>
public sealed class EtsyWebhook(
    EtsyApi etsy,
    EtsyReceiptEvents events,
    RejectedWebhookStore rejected,
    IOptions<EtsyOptions> options,
    ILogger<EtsyWebhook> logger) : IChannelWebhook
{
    public Channel Channel => Channel.Etsy;

    public ValueTask<WebhookVerdict> VerifyAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.WebhookSecret.Length == 0)
        {
            return Verdict(WebhookVerdict.Reject(StatusCodes.Status404NotFound, "The Etsy webhook is not configured (Etsy:WebhookSecret)."));
        }

        var webhookId = delivery.Header("webhook-id");
        var timestamp = delivery.Header("webhook-timestamp");
        var signature = EtsyWebhookSignature.Verify(
            settings.WebhookSecret, webhookId, timestamp, delivery.Header("webhook-signature"), delivery.Body.Span,
            delivery.ReceivedAt, TimeSpan.FromSeconds(settings.WebhookToleranceSeconds));
        if (signature != EtsyWebhookVerdict.Valid)
        {
            return Verdict(WebhookVerdict.Unauthorized($"The webhook signature is not acceptable ({signature})."));
        }

        if (Read(delivery.Body) is not { } payload)
        {
            return Verdict(WebhookVerdict.Unreadable("The webhook payload is not a readable Etsy event.", webhookId));
        }

        if (!IsShop(payload.ShopId, settings.ShopId))
        {
            logger.LogWarning("Refused a signed Etsy webhook for another shop");
            return Verdict(WebhookVerdict.Reject(StatusCodes.Status400BadRequest, "The webhook payload names another shop."));
        }

        if (!IsOrderPaid(payload.EventType))
        {
            return Verdict(WebhookVerdict.Ignore($"event {payload.EventType}"));
        }

        // Only the receipt id is taken from resource_url; the request goes to the configured Etsy base URL, never
        // to a host a payload names.
        if (ReceiptId(payload.ResourceUrl, settings.ShopId) is null)
        {
            return Verdict(WebhookVerdict.Unreadable("resource_url does not name a receipt of this shop.", webhookId));
        }

        // The signature check proved the timestamp a number within the tolerance.
        var sentAt = DateTimeOffset.FromUnixTimeSeconds(long.Parse(timestamp!, NumberStyles.None, CultureInfo.InvariantCulture));
        return Verdict(WebhookVerdict.Accept(payload.EventType!, webhookId!, sentAt));
    }

    public async Task HandleAsync(AcceptedWebhook accepted, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var receiptId = (Read(body) is { } payload ? ReceiptId(payload.ResourceUrl, options.Value.ShopId) : null)
            ?? throw new InvalidDataException($"Accepted Etsy webhook {accepted.EventId} does not name a receipt of this shop.");
        EtsyReceipt receipt;
        try
        {
            receipt = await etsy.GetReceiptAsync(receiptId, cancellationToken);
        }
        catch (Exception ex) when (ex is ChannelRequestException or JsonException)
        {
            // Etsy refused the request itself (a receipt it does not know, 404) or sent a receipt that cannot be read:
            // a retry would meet the same answer, so the delivery is kept for inspection and done with; the receipt
            // poll stays the backstop should the receipt appear later. Outages (5xx, 429) throw and are retried.
            var kept = await rejected.KeepAsync("etsy", accepted.EventId, body.ToArray(), ex.Message, cancellationToken);
            logger.LogWarning("Etsy ORDER_PAID for receipt {ReceiptId} could not be fetched ({Reason}); delivery kept as {Blob}", receiptId, ex.Message, kept);
            return;
        }

        var sent = await events.SendAsync(EtsyReceiptEvents.Sales([receipt], accepted.ReceivedAt), cancellationToken);
        logger.LogInformation("Etsy ORDER_PAID for receipt {ReceiptId}: {Events} sale events queued", receiptId, sent);
    }

    private static ValueTask<WebhookVerdict> Verdict(WebhookVerdict verdict) => ValueTask.FromResult(verdict);

    private static EtsyOrderPaid? Read(ReadOnlyMemory<byte> body)
    {
        try
        {
            // Bad UTF-8 inside a string would surface later, as an InvalidOperationException.
            return System.Text.Unicode.Utf8.IsValid(body.Span) ? JsonSerializer.Deserialize(body.Span, EtsyJson.Default.EtsyOrderPaid) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool IsOrderPaid(string? eventType) =>
        string.Equals(eventType, "order.paid", StringComparison.OrdinalIgnoreCase)
        || string.Equals(eventType, "ORDER_PAID", StringComparison.OrdinalIgnoreCase);

    private static bool IsShop(JsonElement shopId, long expected) => shopId.ValueKind switch
    {
        JsonValueKind.Number => shopId.TryGetInt64(out var id) && id == expected,
        JsonValueKind.String => long.TryParse(shopId.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id == expected,
        _ => false,
    };

    private static long? ReceiptId(string? resourceUrl, long shopId)
    {
        if (!Uri.TryCreate(resourceUrl, UriKind.Absolute, out var url))
        {
            return null;
        }

        var segments = url.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments is ["v3", "application", "shops", var shop, "receipts", var receipt]
            && long.TryParse(shop, NumberStyles.None, CultureInfo.InvariantCulture, out var shopInUrl) && shopInUrl == shopId
            && long.TryParse(receipt, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
                ? id
                : null;
    }
}

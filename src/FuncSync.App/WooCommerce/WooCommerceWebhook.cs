using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FuncSync.Catalog;
using FuncSync.Channels.Webhooks;
using FuncSync.Domain;
using FuncSync.Hosting.Storage;
using FuncSync.Storage;
using FuncSync.Webhooks;
using Microsoft.Extensions.Options;

namespace FuncSync.WooCommerce;

/// <summary>WooCommerce's webhooks at <c>/api/webhooks/woocommerce</c>. At the door: the creation ping (form-encoded
/// <c>webhook_id=&lt;n&gt;</c>, unsigned) answered 200 with nothing stored; the signature over the raw body (in
/// constant time); the topic; an event id from the resource and its <c>date_modified_gmt</c>, never the
/// <c>X-WC-Webhook-Delivery-ID</c> (a new hash per delivery). Behind the queue: an order becomes its sales,
/// cancellations, shipments and restocks with ids from the order's and lines' ids, the same as the orders poll gives;
/// a product's change becomes a level check after a settling delay, which tells FuncSync's own writes and the shop's
/// reduction for an imported order from an edit in wp-admin.</summary>
public sealed partial class WooCommerceWebhook(
    IOptions<WooCommerceOptions> options,
    SkuMapStore map,
    WooCommerceOrderIntake intake,
    WooCommerceWebhookWatch watch,
    StorageClients storage,
    StorageNames names,
    ILogger<WooCommerceWebhook> logger) : IChannelWebhook
{
    public const string OrderCreated = "order.created";
    public const string OrderUpdated = "order.updated";
    public const string ProductUpdated = "product.updated";
    public const string TopicHeader = "X-WC-Webhook-Topic";

    public Channel Channel => Channel.WooCommerce;

    public ValueTask<WebhookVerdict> VerifyAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var signature = delivery.Header(WooCommerceWebhookSignature.Header);
        if (signature is null && delivery.Header(TopicHeader) is null && delivery.BodyText() is { } form && Ping().IsMatch(form))
        {
            // Saving a webhook sends this once and keeps the URL only on exactly 200; it carries nothing to sign.
            return Verdict(WebhookVerdict.Ignore("WooCommerce webhook creation ping."));
        }

        if (!WooCommerceWebhookSignature.IsValid(options.Value.WebhookSecret, delivery.Body.Span, signature))
        {
            logger.LogWarning("Refused a WooCommerce delivery with a missing or invalid signature");
            return Verdict(WebhookVerdict.Unauthorized("The X-WC-Webhook-Signature is missing or invalid."));
        }

        var topic = delivery.Header(TopicHeader);
        if (topic is not (OrderCreated or OrderUpdated or ProductUpdated))
        {
            return Verdict(WebhookVerdict.Ignore($"WooCommerce topic {topic} is not used."));
        }

        JsonNode? payload;
        try
        {
            payload = delivery.BodyText() is { } text ? JsonNode.Parse(text) : throw new JsonException("The body is not valid UTF-8.");
        }
        catch (JsonException ex)
        {
            return Verdict(WebhookVerdict.Unreadable($"The {topic} delivery is not JSON ({ex.Message}).", delivery.Header("X-WC-Webhook-Delivery-ID")));
        }

        var id = payload is null ? null : WooCommerceOrderEvents.Id(payload["id"]);
        var modified = payload is null ? null : WooCommerceOrderEvents.Text(payload["date_modified_gmt"]);
        if (id is null || modified is null || (topic != ProductUpdated && WooCommerceOrderEvents.Translate(payload!, delivery.ReceivedAt) is null))
        {
            return Verdict(WebhookVerdict.Unreadable($"The {topic} payload lacks its id, date_modified_gmt, status or line_items.", delivery.Header("X-WC-Webhook-Delivery-ID")));
        }

        if (topic != ProductUpdated && WooCommerceOrderEvents.Text(payload!["status"]) is "pending" or "checkout-draft")
        {
            // Unpaid: WooCommerce holds the units without reducing its stock; the delivery that says it was paid counts.
            return Verdict(WebhookVerdict.Ignore("Unpaid order."));
        }

        // The same resource at the same modification is the same news, whichever delivery brought it.
        var eventId = $"{topic}:{id}:{modified}";
        return Verdict(WebhookVerdict.Accept(topic, eventId, WooCommerceOrderEvents.Time(payload!["date_modified_gmt"])));
    }

    public async Task HandleAsync(AcceptedWebhook accepted, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accepted);
        var payload = JsonNode.Parse(body.Span) ?? throw new InvalidDataException("The accepted delivery is empty.");
        await watch.RecordDeliveryAsync(accepted.ReceivedAt, cancellationToken);
        if (accepted.Topic == ProductUpdated)
        {
            await CheckStockLaterAsync(accepted, payload, cancellationToken);
            return;
        }

        var events = WooCommerceOrderEvents.Translate(payload, accepted.ReceivedAt) ?? throw new InvalidDataException("The accepted order does not read.");
        var (sales, sent) = await intake.SendAsync(events, cancellationToken);
        logger.LogInformation("WooCommerce {Topic} ({EventId}): {Sales} sales and {Sent} events queued", accepted.Topic, accepted.EventId, sales.Count, sent);
    }

    /// <summary>A product's payload names itself and, for a variable product, its variations: each mapped one is checked
    /// after the settling delay (the check reads WooCommerce when it runs, so several deliveries see every change).</summary>
    private async Task CheckStockLaterAsync(AcceptedWebhook accepted, JsonNode payload, CancellationToken cancellationToken)
    {
        var productId = WooCommerceOrderEvents.Id(payload["id"])!.Value;
        var candidates = new[] { productId }.Concat((payload["variations"] as JsonArray ?? []).Select(v => WooCommerceOrderEvents.Id(v)).OfType<long>()).Distinct();
        var s = options.Value;
        foreach (var stockId in candidates)
        {
            var sku = await map.FindSkuAsync(WooCommerceListing.KeyFor(stockId), cancellationToken);
            if (sku is null)
            {
                continue;
            }

            var check = new WooCommerceStockChanged(accepted.EventId, stockId, sku, EventTimes.FirstPlausible(accepted.ReceivedAt, accepted.OccurredAt), accepted.ReceivedAt, 0);
            await storage.Queue(names.WooCommerceLevelChecksQueue).SendMessageAsync(
                JsonSerializer.Serialize(check, WooCommerceJson.Default.WooCommerceStockChanged), visibilityTimeout: s.LevelCheckDelay, cancellationToken: cancellationToken);
        }
    }

    private static ValueTask<WebhookVerdict> Verdict(WebhookVerdict verdict) => ValueTask.FromResult(verdict);

    [GeneratedRegex("^webhook_id=[0-9]+$")]
    private static partial Regex Ping();
}

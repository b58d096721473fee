using System.Globalization;
using System.Text.Json;
using FuncSync.Domain;
using FuncSync.Domain.Ledger;
using FuncSync.Hosting.Functions;
using FuncSync.Json;
using FuncSync.Ledger;
using FuncSync.Storage;
using FuncSync.Webhooks;
using Microsoft.Extensions.Options;

namespace FuncSync.Shopify;

/// <summary>HTTP function <c>POST /api/webhooks/shopify</c>. Verifies the signature over the raw body,
/// turns an order's lines into sale events on the <c>inventory-events</c> queue, and answers within
/// Shopify's 5-second window; the ledger work happens behind the queue.</summary>
public sealed class ShopifyWebhookFunction(
    IOptions<ShopifyOptions> options,
    IQueueSender queues,
    StorageNames names,
    RejectedWebhookStore rejected,
    TimeProvider time,
    ILogger<ShopifyWebhookFunction> logger)
{
    public const string Name = "ShopifyWebhook";
    public const string Route = "webhooks/shopify";

    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken)
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
            logger.LogWarning("Refused a Shopify webhook with a missing or invalid signature (topic {Topic})", headers.Topic);
            return Problem(StatusCodes.Status401Unauthorized, "The webhook signature is missing or invalid.");
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

        if (!string.Equals(headers.Topic, "orders/create", StringComparison.Ordinal))
        {
            logger.LogInformation("Ignored Shopify webhook topic {Topic}", headers.Topic);
            return Results.Ok();
        }

        ShopifyOrder order;
        try
        {
            order = JsonSerializer.Deserialize(body, ShopifyJson.Default.ShopifyOrder)
                ?? throw new JsonException("The body is the JSON literal null.");
        }
        catch (JsonException ex)
        {
            var kept = await rejected.KeepAsync("shopify", eventId, body, ex.Message, cancellationToken);
            logger.LogWarning("Shopify webhook {EventId} is not a readable order; raw body kept as {Blob}", eventId, kept);
            return Problem(StatusCodes.Status400BadRequest, $"The webhook body is not a readable order ({ex.Message}). It was kept for inspection as {kept}.");
        }

        var occurredAt = headers.TriggeredAt ?? order.CreatedAt ?? receivedAt;
        var sent = 0;
        foreach (var line in order.LineItems)
        {
            if (line.VariantId is not { } variantId || line.Quantity <= 0
                || (line.InventoryManagement is not null && !string.Equals(line.InventoryManagement, "shopify", StringComparison.Ordinal)))
            {
                logger.LogInformation("Skipped line {LineId} of order {Order}: no variant or stock not tracked by Shopify", line.Id, order.Name);
                continue;
            }

            var received = new InventoryEventReceived(
                EventId: string.Create(CultureInfo.InvariantCulture, $"shopify:{eventId}:{line.Id}"),
                Kind: InventoryEventKind.Sale,
                Source: "shopify",
                Listing: new ListingRef(Channel.Shopify, variantId.ToString(CultureInfo.InvariantCulture)),
                Sku: null,
                Quantity: line.Quantity,
                OccurredAt: occurredAt,
                ReceivedAt: receivedAt,
                Reference: order.Name ?? order.Id.ToString(CultureInfo.InvariantCulture));

            // A failure here answers 500 and Shopify redelivers; lines already sent dedupe on their event ids.
            await queues.SendAsync(names.InventoryEventsQueue, JsonSerializer.Serialize(received, FuncSyncJson.Default.InventoryEventReceived), cancellationToken);
            sent++;
        }

        logger.LogInformation("Shopify order {Order} ({EventId}): {Count} sale events queued", order.Name, eventId, sent);
        return Results.Ok();
    }

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

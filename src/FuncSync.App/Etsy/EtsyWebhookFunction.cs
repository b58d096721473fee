using System.Globalization;
using System.Text.Json;
using FuncSync.Json;
using FuncSync.Push;
using FuncSync.Webhooks;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace FuncSync.Etsy;

/// <summary>HTTP function <c>POST /api/webhooks/etsy</c>: Etsy's ORDER_PAID delivery (commercial apps). Verifies the
/// Standard Webhooks signature and timestamp, fetches the receipt the delivery names, and queues the same
/// <c>etsy:txn:{transaction_id}</c> events the poll would, so whichever path is first counts and the other is
/// deduplicated. An outage while fetching answers 5xx, and Etsy's retries bring the delivery back; a receipt Etsy refuses is kept
/// for inspection and acknowledged.</summary>
public sealed class EtsyWebhookFunction(
    EtsyApi etsy,
    EtsyReceiptEvents events,
    RejectedWebhookStore rejected,
    IOptions<EtsyOptions> options,
    TimeProvider time,
    ILogger<EtsyWebhookFunction> logger)
{
    public const string Name = "EtsyWebhook";
    public const string Route = "webhooks/etsy";

    [Function(Name)]
    public async Task<IResult> HandleAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route)] HttpRequest request, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var settings = options.Value;
        if (settings.WebhookSecret.Length == 0)
        {
            return Problem(StatusCodes.Status404NotFound, "The Etsy webhook is not configured (Etsy:WebhookSecret).");
        }

        var body = await RawBody.ReadAsync(request, cancellationToken);
        if (body is null)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, $"The webhook body is larger than {RawBody.MaxBytes} bytes.");
        }

        var headers = request.Headers;
        var verdict = EtsyWebhookSignature.Verify(
            settings.WebhookSecret, headers["webhook-id"], headers["webhook-timestamp"], headers["webhook-signature"], body,
            now, TimeSpan.FromSeconds(settings.WebhookToleranceSeconds));
        if (verdict != EtsyWebhookVerdict.Valid)
        {
            logger.LogWarning("Refused an Etsy webhook ({Verdict})", verdict);
            return Problem(StatusCodes.Status401Unauthorized, $"The webhook signature is not acceptable ({verdict}).");
        }

        EtsyOrderPaid? payload;
        try
        {
            // Bad UTF-8 inside a string would surface later, as an InvalidOperationException.
            payload = System.Text.Unicode.Utf8.IsValid(body) ? JsonSerializer.Deserialize(body, EtsyJson.Default.EtsyOrderPaid) : null;
        }
        catch (JsonException)
        {
            payload = null;
        }

        if (payload is null || !IsShop(payload.ShopId, settings.ShopId))
        {
            logger.LogWarning("Refused a signed Etsy webhook for another shop or without a readable payload");
            return Problem(StatusCodes.Status400BadRequest, "The webhook payload is unreadable or names another shop.");
        }

        if (!string.Equals(payload.EventType, "order.paid", StringComparison.OrdinalIgnoreCase)
            && !string.Equals(payload.EventType, "ORDER_PAID", StringComparison.OrdinalIgnoreCase))
        {
            logger.LogInformation("Ignored Etsy webhook event {EventType}", payload.EventType);
            return Results.Ok();
        }

        // Only the receipt id is taken from resource_url; the request goes to the configured Etsy base URL, never
        // to a host a payload names.
        if (ReceiptId(payload.ResourceUrl, settings.ShopId) is not { } receiptId)
        {
            return Problem(StatusCodes.Status400BadRequest, "resource_url does not name a receipt of this shop.");
        }

        EtsyReceipt receipt;
        try
        {
            receipt = await etsy.GetReceiptAsync(receiptId, cancellationToken);
        }
        catch (Exception ex) when (ex is ChannelRequestException or JsonException)
        {
            // Etsy refused the request itself (a receipt it does not know, 404) or sent a receipt that cannot be read:
            // a redelivery would meet the same answer, so the delivery is kept for inspection and acknowledged; the
            // receipt poll stays the backstop should the receipt appear later. Outages (5xx, 429) still answer 5xx.
            var kept = await rejected.KeepAsync("etsy", headers["webhook-id"].ToString(), body, ex.Message, cancellationToken);
            logger.LogWarning("Etsy ORDER_PAID for receipt {ReceiptId} could not be fetched ({Reason}); delivery kept as {Blob}", receiptId, ex.Message, kept);
            return Results.Json(new ProblemBody($"Receipt {receiptId} could not be fetched; the delivery was kept for inspection as {kept}."), FuncSyncJson.Default.ProblemBody, statusCode: StatusCodes.Status202Accepted);
        }

        var sent = await events.SendAsync(EtsyReceiptEvents.Sales([receipt], now), cancellationToken);
        logger.LogInformation("Etsy ORDER_PAID for receipt {ReceiptId}: {Events} sale events queued", receiptId, sent);
        return Results.Ok();
    }

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

    private static IResult Problem(int status, string error) =>
        Results.Json(new ProblemBody(error), FuncSyncJson.Default.ProblemBody, statusCode: status);
}

using System.Globalization;
using System.Text.Json;
using FuncSync.Domain;
using FuncSync.Hosting.Functions;
using FuncSync.Webhooks;
using Microsoft.Azure.Functions.Worker;
using FuncSync.Json;
using FuncSync.Ledger;
using FuncSync.Storage;
using Microsoft.Extensions.Options;

namespace FuncSync.Shopify;

/// <summary>Queue function on <c>shopify-webhooks</c>: does what an accepted webhook means. An order becomes one
/// event per line on <c>inventory-events</c>, sent in parallel, a 10,000-line order included; a failure part-way
/// throws, and the retry sends every line again, which the ledger's dedupe rows absorb.</summary>
public sealed class ShopifyWebhookIntakeFunction(
    ShopifyWebhookInbox inbox,
    IQueueSender queues,
    StorageNames names,
    IOptions<ShopifyOptions> options,
    ShopifyQueues shopifyQueues,
    ShopifyLevelWatermarks levels,
    Mapping.MappingAuditor audit,
    ILogger<ShopifyWebhookIntakeFunction> logger)
{
    public const string Name = "ShopifyWebhookIntake";

    // Enough sends in flight to move thousands of lines in seconds without crowding the storage account.
    private const int SendConcurrency = 16;

    [Function(Name)]
    public async Task RunAsync([QueueTrigger(StorageNames.ShopifyWebhooks, Connection = StorageNames.Connection)] string message, CancellationToken cancellationToken)
    {
        var accepted = JsonSerializer.Deserialize(message, ShopifyJson.Default.ShopifyWebhookAccepted)
            ?? throw new InvalidDataException("The accepted Shopify webhook message is empty.");
        if (await inbox.OpenAsync(accepted, cancellationToken) is not { } body)
        {
            logger.LogInformation("Shopify {Topic} ({EventId}) was handled whole before; its body is gone", accepted.Topic, accepted.EventId);
            return;
        }

        await HandleAsync(accepted, body, cancellationToken);
        await inbox.DoneAsync(accepted, cancellationToken);
    }

    /// <summary>Reads the body as its topic's payload. The webhook calls this before accepting, so a body that does
    /// not read is refused at the door (400, kept for inspection) and never reaches the queue.</summary>
    public static void Validate(string topic, byte[] body)
    {
        _ = topic switch
        {
            "orders/cancelled" or "orders/create" or "orders/paid" or "orders/fulfilled" or "orders/partially_fulfilled" => (object)Read(body, ShopifyJson.Default.ShopifyOrder, ShopifyPayloadRules.Check),
            "refunds/create" => Read(body, ShopifyJson.Default.ShopifyRefund, ShopifyPayloadRules.Check),
            "inventory_levels/update" => Read(body, ShopifyJson.Default.ShopifyInventoryLevel, ShopifyPayloadRules.Check),
            "products/update" => Read(body, ShopifyJson.Default.ShopifyProduct, ShopifyPayloadRules.Check),
            _ => throw new ArgumentException($"Topic {topic} is not handled.", nameof(topic)),
        };
    }

    private async Task HandleAsync(ShopifyWebhookAccepted accepted, byte[] body, CancellationToken cancellationToken)
    {
        // Times outside a window of the receipt (unsigned headers, clocks gone wrong) give way to the receipt time.
        var (topic, eventId, at, receivedAt) = (accepted.Topic, accepted.EventId, accepted.TriggeredAt, accepted.ReceivedAt);
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
                await SendAsync(ShopifyEventTranslator.Sales(order, EventTimes.FirstPlausible(receivedAt, at, order.CreatedAt), receivedAt, SkippedLine(order)), topic, eventId, cancellationToken);
                break;
        }
    }

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
        await Parallel.ForEachAsync(
            events,
            new ParallelOptions { MaxDegreeOfParallelism = SendConcurrency, CancellationToken = cancellationToken },
            async (received, ct) => await queues.SendAsync(names.InventoryEventsQueue, JsonSerializer.Serialize(received, FuncSyncJson.Default.InventoryEventReceived), ct));
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
                Guard = new Mapping.StockGuard(
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

using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FuncSync.Simulators.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FuncSync.Simulators.Shopify;

/// <summary>
/// An in-memory Shopify shop behind a real HTTP server: the Admin GraphQL inventory read and
/// <c>inventorySetQuantities</c> (2026-04 semantics), the query-cost leaky bucket, and signed orders/create webhooks.
/// </summary>
public sealed class ShopifySimulator : IAsyncDisposable
{
    private const string OrdersCreateTopic = "orders/create";

    private readonly Lock _gate = new();
    private readonly WebApplication _app;
    private readonly HttpClient _webhookClient;
    private readonly ShopifyInventoryStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SeededIds _ids;
    private readonly Dictionary<string, WebhookEvent> _events = new(StringComparer.Ordinal);
    private long _nextOrderId;
    private long _nextLineItemId;
    private int _nextOrderNumber = 1001;
    private int _throttleViolations;

    private ShopifySimulator(
        ShopifySimulatorOptions options, TimeProvider timeProvider, ILogger logger, ShopifyInventoryStore store, WebApplication app, Uri baseUrl)
    {
        Options = options;
        BaseUrl = baseUrl;
        _timeProvider = timeProvider;
        _logger = logger;
        _store = store;
        _app = app;
        _ids = new SeededIds(options.Seed);
        // Order ids in the real service are large and increasing; the seed picks where they start.
        _nextOrderId = _ids.NextStart(5_000_000_000_000, 1_000_000_000);
        _nextLineItemId = _ids.NextStart(13_000_000_000_000, 1_000_000_000);
        _webhookClient = new HttpClient { Timeout = options.WebhookTimeout };
    }

    public Uri BaseUrl { get; }

    public ShopifySimulatorOptions Options { get; }

    /// <summary>GraphQL requests refused with THROTTLED because the cost bucket could not pay.</summary>
    public int ThrottleViolations => Volatile.Read(ref _throttleViolations);

    /// <summary>Raised after each successful inventorySetQuantities, once per quantity set (for latency measurement).</summary>
    public event Action<ShopifyInventoryChanged>? InventoryChanged;

    public static async Task<ShopifySimulator> StartAsync(
        ShopifySimulatorOptions options, TimeProvider timeProvider, ILoggerFactory? loggerFactory = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var store = new ShopifyInventoryStore();
        var bucket = new ShopifyCostBucket(options.ThrottleMaximumAvailable, options.ThrottleRestoreRate, timeProvider);

        // The endpoint is built before the simulator exists, so it reports back through this holder.
        ShopifySimulator? simulator = null;
        var endpoint = new ShopifyGraphQlEndpoint(
            options, store, bucket, timeProvider,
            () => Interlocked.Increment(ref simulator!._throttleViolations),
            changed => simulator!.RaiseInventoryChanged(changed));
        var (app, baseUrl) = await SimulatorHost.StartAsync(endpoint.HandleAsync, loggerFactory, ct);
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ShopifySimulator>();
        simulator = new ShopifySimulator(options, timeProvider, logger, store, app, baseUrl);
        return simulator;
    }

    public void AddVariant(long productId, long variantId, long inventoryItemId, long locationId, string sku, int available, string title = "")
    {
        ArgumentNullException.ThrowIfNull(sku);
        ArgumentNullException.ThrowIfNull(title);
        _store.AddVariant(new ShopifyVariant(productId, variantId, inventoryItemId, locationId, sku, title), available);
    }

    public int GetAvailable(long inventoryItemId, long locationId) => _store.GetAvailable(inventoryItemId, locationId);

    /// <summary>
    /// A buyer checks out: takes the stock (all lines or none; null when short), then POSTs a signed orders/create
    /// webhook to <see cref="ShopifySimulatorOptions.WebhookUrl"/>.
    /// </summary>
    public async Task<ShopifyOrderResult?> PlaceOrderAsync(IReadOnlyList<(long VariantId, int Quantity)> lines, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentOutOfRangeException.ThrowIfZero(lines.Count, nameof(lines));
        // Checked before any stock moves: an order nobody hears about would desynchronise the hub silently.
        var address = Options.WebhookUrl
            ?? throw new InvalidOperationException("Set ShopifySimulatorOptions.WebhookUrl before placing orders.");

        WebhookEvent webhookEvent;
        long orderId;
        lock (_gate)
        {
            var sold = _store.TryTake(lines);
            if (sold is null)
            {
                return null;
            }

            var now = _timeProvider.GetUtcNow();
            orderId = _nextOrderId++;
            var body = BuildOrderPayload(orderId, _nextOrderNumber++, sold, now);
            webhookEvent = new WebhookEvent(_ids.NextGuid().ToString(), OrdersCreateTopic, body, now, address);
            _events.Add(webhookEvent.EventId, webhookEvent);
        }

        var (webhookId, status) = await DeliverAsync(webhookEvent, ct);
        return new ShopifyOrderResult(orderId, webhookEvent.EventId, webhookId, status, Encoding.UTF8.GetString(webhookEvent.Body));
    }

    /// <summary>
    /// Sends an earlier event again, as Shopify does on retries: same body, Event-Id and Triggered-At, new Webhook-Id,
    /// to the address that was configured when the event fired.
    /// </summary>
    public async Task<HttpStatusCode> RedeliverAsync(string eventId, CancellationToken ct = default)
    {
        WebhookEvent webhookEvent;
        lock (_gate)
        {
            if (!_events.TryGetValue(eventId, out webhookEvent!))
            {
                throw new ArgumentException($"No webhook event {eventId} was sent.", nameof(eventId));
            }
        }

        var (_, status) = await DeliverAsync(webhookEvent, ct);
        return status;
    }

    public async ValueTask DisposeAsync()
    {
        _webhookClient.Dispose();
        await _app.DisposeAsync();
    }

    private async Task<(string WebhookId, HttpStatusCode Status)> DeliverAsync(WebhookEvent webhookEvent, CancellationToken ct)
    {
        string webhookId;
        lock (_gate)
        {
            webhookId = _ids.NextGuid().ToString();
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, webhookEvent.Address)
        {
            Content = new ByteArrayContent(webhookEvent.Body),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        var headers = request.Headers;
        headers.Add("X-Shopify-Topic", webhookEvent.Topic);
        headers.Add("X-Shopify-Hmac-Sha256", Sign(webhookEvent.Body));
        headers.Add("X-Shopify-Shop-Domain", Options.ShopDomain);
        headers.Add("X-Shopify-API-Version", Options.ApiVersion);
        headers.Add("X-Shopify-Webhook-Id", webhookId);
        headers.Add("X-Shopify-Event-Id", webhookEvent.EventId);
        headers.Add("X-Shopify-Triggered-At",
            webhookEvent.TriggeredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));

        try
        {
            using var response = await _webhookClient.SendAsync(request, ct);
            return (webhookId, response.StatusCode);
        }
        catch (HttpRequestException ex)
        {
            _logger.LogWarning(ex, "Webhook {EventId} to {Address} was not answered", webhookEvent.EventId, webhookEvent.Address);
            return (webhookId, 0);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            // HttpClient reports its own timeout as a cancellation; Shopify counts it as a failed delivery.
            _logger.LogWarning(ex, "Webhook {EventId} to {Address} timed out", webhookEvent.EventId, webhookEvent.Address);
            return (webhookId, 0);
        }
    }

    private string Sign(byte[] body) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Options.WebhookSecret), body));

    private void RaiseInventoryChanged(IReadOnlyList<ShopifyInventoryChanged> changed)
    {
        var handler = InventoryChanged;
        if (handler is null)
        {
            return;
        }

        foreach (var change in changed)
        {
            handler(change);
        }
    }

    // Caller holds _gate (ids come from the shared seeded sequence).
    private byte[] BuildOrderPayload(long orderId, int orderNumber, IReadOnlyList<(ShopifyVariant Variant, int Quantity)> sold, DateTimeOffset now)
    {
        const decimal unitPrice = 25.00m;
        var timestamp = now.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        var lineItems = new JsonArray();
        var total = 0m;
        foreach (var (variant, quantity) in sold)
        {
            var lineItemId = _nextLineItemId++;
            total += unitPrice * quantity;
            lineItems.Add(new JsonObject
            {
                ["id"] = lineItemId,
                ["admin_graphql_api_id"] = ShopifyGid.Format("LineItem", lineItemId),
                ["variant_id"] = variant.VariantId,
                ["product_id"] = variant.ProductId,
                ["sku"] = variant.Sku,
                ["title"] = variant.Title,
                ["name"] = variant.Title,
                ["variant_title"] = null,
                ["quantity"] = quantity,
                ["current_quantity"] = quantity,
                ["fulfillable_quantity"] = quantity,
                ["fulfillment_status"] = null,
                ["fulfillment_service"] = "manual",
                ["requires_shipping"] = true,
                ["variant_inventory_management"] = "shopify",
                ["price"] = Money(unitPrice),
                ["grams"] = 0,
                ["taxable"] = true,
                ["gift_card"] = false,
            });
        }

        var order = new JsonObject
        {
            ["id"] = orderId,
            ["admin_graphql_api_id"] = ShopifyGid.Format("Order", orderId),
            ["name"] = "#" + orderNumber.ToString(CultureInfo.InvariantCulture),
            ["order_number"] = orderNumber,
            ["email"] = "buyer@example.com",
            ["created_at"] = timestamp,
            ["updated_at"] = timestamp,
            ["processed_at"] = timestamp,
            ["cancelled_at"] = null,
            ["closed_at"] = null,
            ["financial_status"] = "paid",
            ["fulfillment_status"] = null,
            ["currency"] = "USD",
            ["subtotal_price"] = Money(total),
            ["total_price"] = Money(total),
            ["test"] = false,
            ["source_name"] = "web",
            ["location_id"] = null,
            ["line_items"] = lineItems,
            ["refunds"] = new JsonArray(),
            ["fulfillments"] = new JsonArray(),
        };
        return SimulatorJson.ToUtf8(order);
    }

    private static string Money(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    private sealed record WebhookEvent(string EventId, string Topic, byte[] Body, DateTimeOffset TriggeredAt, Uri Address);
}

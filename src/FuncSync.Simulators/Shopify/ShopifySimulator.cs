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
public sealed partial class ShopifySimulator : IAsyncDisposable
{
    private const string OrdersCreateTopic = "orders/create";

    private readonly Lock _gate = new();
    private readonly WebApplication _app;
    private readonly WebhookSender _webhooks;
    private readonly ShopifyInventoryStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SeededIds _ids;
    private readonly Dictionary<string, WebhookEvent> _events = new(StringComparer.Ordinal);
    private readonly Dictionary<long, JsonObject> _orders = [];
    private readonly HashSet<string> _lostTopics = new(StringComparer.Ordinal);
    private readonly List<(string EventId, string Topic)> _lost = [];
    private readonly List<GraphQlFault> _graphQlFaults = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _operations = new(StringComparer.Ordinal);
    private readonly ShopifyWebhookSubscriptionStore _subscriptions;
    private long _nextRefundId = 900_000_001;
    private long _nextFulfillmentId = 700_000_001;
    private long _nextOrderId;
    private long _nextLineItemId;
    private int _nextOrderNumber = 1001;
    private int _throttleViolations;

    private ShopifySimulator(
        ShopifySimulatorOptions options, TimeProvider timeProvider, ILogger logger, ShopifyInventoryStore store,
        ShopifyWebhookSubscriptionStore subscriptions, WebApplication app, Uri baseUrl)
    {
        _subscriptions = subscriptions;
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
        // Delivery faults and Webhook-Ids draw from the sender's own seeded sequences: retries and duplicates run in the
        // background, and drawing them from the payload sequence would make order and event ids depend on timing.
        _webhooks = new WebhookSender(
            timeProvider, options.WebhookTimeout, () => Options.WebhookRetryDelays, logger, options.Seed,
            () => new WebhookFaults(Options.WebhookDuplicateRate, Options.WebhookReorderRate, Options.WebhookReorderMaxDelay));
    }

    public Uri BaseUrl { get; }

    public ShopifySimulatorOptions Options { get; }

    /// <summary>GraphQL requests refused with THROTTLED because the cost bucket could not pay.</summary>
    public int ThrottleViolations => Volatile.Read(ref _throttleViolations);

    /// <summary>GraphQL operations served (charged and run), by root field, e.g. <c>inventorySetQuantities</c>.</summary>
    public int OperationCount(string rootField) => _operations.GetValueOrDefault(rootField);

    /// <summary>The shop's webhook subscriptions, as the Admin API created them.</summary>
    public IReadOnlyList<ShopifyWebhookSubscription> WebhookSubscriptions => _subscriptions.All;

    /// <summary>Every delivery attempt so far (first tries, retries, duplicates), in the order they were answered; each
    /// carries its <c>Webhook-Id</c> as <see cref="WebhookAttempt.DeliveryId"/>.</summary>
    public IReadOnlyList<WebhookAttempt> Deliveries => _webhooks.Attempts;

    /// <summary>Retries scheduled so far (each waits on the simulator's clock).</summary>
    public int ScheduledRetries => _webhooks.ScheduledRetries;

    /// <summary>Adds a subscription as an earlier install would have left it (e.g. pointing at an old address).</summary>
    public ShopifyWebhookSubscription AddWebhookSubscription(string topic, Uri uri) =>
        _subscriptions.Add(ShopifyWebhookSubscription.TopicEnum(topic), uri);

    /// <summary>Waits until no delivery is pending: retries scheduled, held-back or duplicate deliveries all done.</summary>
    public Task WhenDeliveriesSettledAsync() => _webhooks.WhenSettledAsync();

    /// <summary>Raised after each successful inventorySetQuantities, once per quantity set (for latency measurement).</summary>
    public event Action<ShopifyInventoryChanged>? InventoryChanged;

    public static async Task<ShopifySimulator> StartAsync(
        ShopifySimulatorOptions options, TimeProvider timeProvider, ILoggerFactory? loggerFactory = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var store = new ShopifyInventoryStore();
        var subscriptions = new ShopifyWebhookSubscriptionStore(timeProvider);
        var bucket = new ShopifyCostBucket(options.ThrottleMaximumAvailable, options.ThrottleRestoreRate, timeProvider);

        // The endpoint is built before the simulator exists, so it reports back through this holder.
        ShopifySimulator? simulator = null;
        var endpoint = new ShopifyGraphQlEndpoint(
            options, store, bucket, subscriptions, timeProvider,
            () => Interlocked.Increment(ref simulator!._throttleViolations),
            name => simulator!._operations.AddOrUpdate(name, 1, (_, n) => n + 1),
            changed => simulator!.RaiseInventoryChanged(changed),
            () => simulator!.OrdersSnapshot(),
            (operation, variables) => simulator!.FaultFor(operation, variables));
        var (app, baseUrl) = await SimulatorHost.StartAsync(endpoint.HandleAsync, loggerFactory, ct);
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ShopifySimulator>();
        simulator = new ShopifySimulator(options, timeProvider, logger, store, subscriptions, app, baseUrl);
        return simulator;
    }

    /// <param name="price">The variant's price in the shop's currency (25.00 when not given).</param>
    public void AddVariant(long productId, long variantId, long inventoryItemId, long locationId, string sku, int available, string title = "", decimal? price = null)
    {
        ArgumentNullException.ThrowIfNull(sku);
        ArgumentNullException.ThrowIfNull(title);
        _store.AddVariant(new ShopifyVariant(productId, variantId, inventoryItemId, locationId, sku, title) { Price = price ?? ShopifyVariantDefaults.Price }, available);
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
        var addresses = AddressesFor(OrdersCreateTopic);

        WebhookEvent webhookEvent;
        long orderId;
        IReadOnlyList<(ShopifyVariant Variant, int Quantity)>? sold;
        lock (_gate)
        {
            sold = _store.TryTake(lines);
            if (sold is null)
            {
                return null;
            }

            var now = _timeProvider.GetUtcNow();
            orderId = _nextOrderId++;
            var order = BuildOrderPayload(orderId, _nextOrderNumber++, sold, now);
            _orders[orderId] = (JsonObject)order.DeepClone();
            webhookEvent = new WebhookEvent(_ids.NextGuid().ToString(), OrdersCreateTopic, SimulatorJson.ToUtf8(order), now, addresses);
            _events.Add(webhookEvent.EventId, webhookEvent);
        }

        var (webhookId, status) = await DispatchAsync(webhookEvent, ct);
        foreach (var (variant, _) in sold)
        {
            await SendLevelIfEnabledAsync(variant.InventoryItemId, variant.LocationId, ct);
        }

        return new ShopifyOrderResult(orderId, webhookEvent.EventId, webhookId, status, Encoding.UTF8.GetString(webhookEvent.Body));
    }

    /// <summary>
    /// Sends an earlier event again, as Shopify does on retries: same body, Event-Id and Triggered-At, new Webhook-Id,
    /// to the addresses that were subscribed when the event fired. Returns the first address's answer.
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

        var status = (HttpStatusCode)0;
        for (var i = 0; i < webhookEvent.Addresses.Count; i++)
        {
            var answered = await _webhooks.SendOnceAsync(Outgoing(webhookEvent, webhookEvent.Addresses[i]), ct);
            status = i == 0 ? answered.Status : status;
        }

        return status;
    }

    /// <summary>Events of <paramref name="topic"/> fire (the order, cancellation or refund happens and the orders API
    /// shows it) but reach nobody, as when Shopify gives up after its retries or removes a failing subscription. The event
    /// is kept: <see cref="RedeliverAsync"/> can still bring it late.</summary>
    public void LoseWebhooks(string topic)
    {
        lock (_gate)
        {
            _lostTopics.Add(topic);
        }
    }

    /// <summary>The next <paramref name="count"/> GraphQL requests of root field <paramref name="operation"/> (e.g.
    /// <c>orders</c>) whose variables match <paramref name="match"/> answer HTTP <paramref name="status"/>.</summary>
    public void InjectFaults(string operation, Func<JsonObject, bool> match, int count, int status)
    {
        ArgumentNullException.ThrowIfNull(match);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(status, 599);
        lock (_gate)
        {
            _graphQlFaults.Add(new GraphQlFault(operation, match, ShopifyInjectedFault.Http(status)) { Remaining = count });
        }
    }

    /// <summary>The next <paramref name="count"/> GraphQL requests of root field <paramref name="operation"/> (e.g.
    /// <c>inventorySetQuantities</c>) whose variables match <paramref name="match"/> are refused with a <c>THROTTLED</c>
    /// error (HTTP 200, nothing run or charged), as when another app's calls share the shop's bucket and drained it.</summary>
    public void InjectThrottles(string operation, Func<JsonObject, bool> match, int count)
    {
        ArgumentNullException.ThrowIfNull(match);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        lock (_gate)
        {
            _graphQlFaults.Add(new GraphQlFault(operation, match, ShopifyInjectedFault.Throttled) { Remaining = count });
        }
    }

    /// <summary>The events <see cref="LoseWebhooks"/> kept from everyone, in the order they fired.</summary>
    public IReadOnlyList<(string EventId, string Topic)> LostWebhooks
    {
        get
        {
            lock (_gate)
            {
                return [.. _lost];
            }
        }
    }

    /// <summary>Ends <see cref="LoseWebhooks"/> for <paramref name="topic"/>: later events are delivered again.</summary>
    public void DeliverWebhooks(string topic)
    {
        lock (_gate)
        {
            _lostTopics.Remove(topic);
        }
    }

    /// <summary>
    /// The merchant cancels an order that has not shipped. With <paramref name="restock"/> the units go back and
    /// Shopify records a refund whose lines have restock type <c>cancel</c>, so both orders/cancelled and
    /// refunds/create are sent, as in Shopify.
    /// </summary>
    public async Task<IReadOnlyList<HttpStatusCode>> CancelOrderAsync(long orderId, bool restock = true, CancellationToken ct = default)
    {
        JsonObject order;
        var restocked = new List<(long VariantId, long LineItemId, int Quantity)>();
        lock (_gate)
        {
            order = _orders.TryGetValue(orderId, out var known) ? known : throw new ArgumentException($"No order {orderId}.", nameof(orderId));
            var now = _timeProvider.GetUtcNow();
            order["cancelled_at"] = now.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
            order["updated_at"] = order["cancelled_at"]!.DeepClone();
            order["cancel_reason"] = "customer";
            foreach (var line in order["line_items"]!.AsArray())
            {
                var quantity = (int)line!["fulfillable_quantity"]!;
                restocked.Add(((long)line["variant_id"]!, (long)line["id"]!, quantity));
                line["fulfillable_quantity"] = 0;
            }

            order = (JsonObject)order.DeepClone();
        }

        var statuses = new List<HttpStatusCode> { await SendWebhookAsync("orders/cancelled", order, ct) };
        if (restock)
        {
            statuses.Add(await SendRefundAsync(orderId, [.. restocked.Select(r => (r.LineItemId, r.Quantity))], "cancel", ct));
        }

        return statuses;
    }

    /// <summary>
    /// The merchant ships units of an order (every unshipped unit when <paramref name="lines"/> is null): Shopify adds a
    /// fulfilment with status <c>success</c> to the order, lowers the lines' fulfillable quantity (available does not
    /// move: the units left it at checkout) and sends orders/partially_fulfilled, or orders/fulfilled once nothing is
    /// left to ship, with the whole order.
    /// </summary>
    public async Task<HttpStatusCode> FulfillAsync(long orderId, IReadOnlyList<(long LineItemId, int Quantity)>? lines = null, CancellationToken ct = default)
    {
        JsonObject order;
        string topic;
        lock (_gate)
        {
            order = _orders.TryGetValue(orderId, out var known) ? known : throw new ArgumentException($"No order {orderId}.", nameof(orderId));
            var now = _timeProvider.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
            var shipped = new JsonArray();
            foreach (var line in order["line_items"]!.AsArray())
            {
                var id = (long)line!["id"]!;
                var open = (int)line["fulfillable_quantity"]!;
                var quantity = lines is null ? open : lines.Where(l => l.LineItemId == id).Sum(l => l.Quantity);
                if (quantity <= 0)
                {
                    continue;
                }

                if (quantity > open)
                {
                    throw new ArgumentException($"Line {id} of order {orderId} has {open} units left to ship, not {quantity}.", nameof(lines));
                }

                line["fulfillable_quantity"] = open - quantity;
                line["fulfillment_status"] = open == quantity ? "fulfilled" : "partial";
                var item = (JsonObject)line.DeepClone();
                item["quantity"] = quantity;
                shipped.Add(item);
            }

            if (shipped.Count == 0)
            {
                throw new ArgumentException($"Order {orderId} has nothing of that left to ship.", nameof(lines));
            }

            var fulfillmentId = _nextFulfillmentId++;
            order["fulfillments"]!.AsArray().Add(new JsonObject
            {
                ["id"] = fulfillmentId,
                ["admin_graphql_api_id"] = ShopifyGid.Format("Fulfillment", fulfillmentId),
                ["order_id"] = orderId,
                ["status"] = "success",
                ["created_at"] = now,
                ["updated_at"] = now,
                ["service"] = "manual",
                ["shipment_status"] = null,
                ["line_items"] = shipped,
            });
            var done = order["line_items"]!.AsArray().All(l => (int)l!["fulfillable_quantity"]! == 0);
            order["fulfillment_status"] = done ? "fulfilled" : "partial";
            order["updated_at"] = now;
            topic = done ? "orders/fulfilled" : "orders/partially_fulfilled";
            order = (JsonObject)order.DeepClone();
        }

        return await SendWebhookAsync(topic, order, ct);
    }

    /// <summary>The ids of an order's fulfilments, oldest first.</summary>
    public IReadOnlyList<long> FulfillmentIdsOf(long orderId)
    {
        lock (_gate)
        {
            var order = _orders.TryGetValue(orderId, out var known) ? known : throw new ArgumentException($"No order {orderId}.", nameof(orderId));
            return [.. order["fulfillments"]!.AsArray().Select(f => (long)f!["id"]!)];
        }
    }

    /// <summary>
    /// The merchant cancels a fulfilment (a label voided, the parcel never left): its status becomes <c>cancelled</c>,
    /// its units are open to ship again (available does not move: they are still the order's), and Shopify sends
    /// fulfillments/update with the fulfilment, its order's id and its lines.
    /// </summary>
    public async Task<HttpStatusCode> CancelFulfillmentAsync(long orderId, long fulfillmentId, CancellationToken ct = default)
    {
        JsonObject fulfillment;
        lock (_gate)
        {
            var order = _orders.TryGetValue(orderId, out var known) ? known : throw new ArgumentException($"No order {orderId}.", nameof(orderId));
            var found = order["fulfillments"]!.AsArray().OfType<JsonObject>().FirstOrDefault(f => (long)f["id"]! == fulfillmentId)
                ?? throw new ArgumentException($"Order {orderId} has no fulfilment {fulfillmentId}.", nameof(fulfillmentId));
            if ((string?)found["status"] == "cancelled")
            {
                throw new ArgumentException($"Fulfilment {fulfillmentId} is already cancelled.", nameof(fulfillmentId));
            }

            var now = _timeProvider.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
            found["status"] = "cancelled";
            found["updated_at"] = now;
            var lines = order["line_items"]!.AsArray().OfType<JsonObject>().ToDictionary(l => (long)l["id"]!);
            foreach (var shipped in found["line_items"]!.AsArray().OfType<JsonObject>())
            {
                var line = lines[(long)shipped["id"]!];
                var open = (int)line["fulfillable_quantity"]! + (int)shipped["quantity"]!;
                line["fulfillable_quantity"] = open;
                line["fulfillment_status"] = open == (int)line["quantity"]! ? null : "partial";
            }

            var anyShipped = lines.Values.Any(l => (int)l["fulfillable_quantity"]! < (int)l["quantity"]!);
            order["fulfillment_status"] = anyShipped ? "partial" : null;
            order["updated_at"] = now;
            var number = order["fulfillments"]!.AsArray().IndexOf(found) + 1;
            fulfillment = (JsonObject)found.DeepClone();
            fulfillment["name"] = string.Create(CultureInfo.InvariantCulture, $"{(string?)order["name"]}.{number}");
        }

        return await SendWebhookAsync("fulfillments/update", fulfillment, ct);
    }

    /// <summary>A refund of some units of one order line; <c>cancel</c> and <c>return</c> put them back on the shelf.</summary>
    public Task<HttpStatusCode> RefundAsync(long orderId, long lineItemId, int quantity, string restockType, CancellationToken ct = default) =>
        SendRefundAsync(orderId, [(lineItemId, quantity)], restockType, ct);

    private ShopifyInjectedFault? FaultFor(string operation, JsonObject variables)
    {
        lock (_gate)
        {
            var fault = _graphQlFaults.FirstOrDefault(f => f.Remaining > 0 && string.Equals(f.Operation, operation, StringComparison.Ordinal) && f.Match(variables));
            if (fault is null)
            {
                return null;
            }

            fault.Remaining--;
            return fault.Answer;
        }
    }

    /// <summary>Every order as it stands now (REST shape), for the GraphQL orders connection.</summary>
    private IReadOnlyList<JsonObject> OrdersSnapshot()
    {
        lock (_gate)
        {
            return [.. _orders.Values.Select(o => (JsonObject)o.DeepClone())];
        }
    }

    /// <summary>The line item ids of an order, in order.</summary>
    public IReadOnlyList<long> LineItemIds(long orderId)
    {
        lock (_gate)
        {
            return [.. _orders[orderId]["line_items"]!.AsArray().Select(l => (long)l!["id"]!)];
        }
    }

    /// <summary>A person types a new "available" into the Shopify admin: Shopify sends inventory_levels/update.</summary>
    public async Task<HttpStatusCode> SetAvailableFromAdminAsync(long inventoryItemId, long locationId, int available, CancellationToken ct = default)
    {
        _store.SetAvailable(inventoryItemId, locationId, available);
        return await SendWebhookAsync("inventory_levels/update", LevelPayload(inventoryItemId, locationId, available), ct);
    }

    /// <summary>A product is edited (optionally gaining a variant): Shopify sends products/update with all its variants.</summary>
    public async Task<HttpStatusCode> UpdateProductAsync(long productId, CancellationToken ct = default)
    {
        var variants = new JsonArray();
        foreach (var variant in _store.VariantsOf(productId))
        {
            variants.Add(new JsonObject
            {
                ["id"] = variant.VariantId,
                ["product_id"] = productId,
                ["title"] = variant.Title,
                ["sku"] = variant.Sku,
                ["inventory_item_id"] = variant.InventoryItemId,
                ["inventory_management"] = variant.Tracked ? "shopify" : null,
                ["inventory_policy"] = variant.InventoryPolicy.ToLowerInvariant(),
                ["admin_graphql_api_id"] = ShopifyGid.Format("ProductVariant", variant.VariantId),
            });
        }

        var now = _timeProvider.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        return await SendWebhookAsync("products/update", new JsonObject
        {
            ["id"] = productId,
            ["admin_graphql_api_id"] = ShopifyGid.Format("Product", productId),
            ["title"] = variants.Count > 0 ? (string?)variants[0]!["title"] : null,
            ["updated_at"] = now,
            ["variants"] = variants,
        }, ct);
    }

    /// <summary>The seller switches "Track quantity" or "Continue selling when out of stock" in the admin (no webhook
    /// until the product is saved: send <see cref="UpdateProductAsync"/> for that).</summary>
    public void SetVariantStockSettings(long variantId, bool tracked, string inventoryPolicy) => _store.SetStockSettings(variantId, tracked, inventoryPolicy);

    /// <summary>The variant's price (shop currency, <see cref="ShopifySimulatorOptions.Currency"/>): what the next order
    /// lines of it charge per unit. Until set, 25.00.</summary>
    public void SetVariantPrice(long variantId, decimal price)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(price);
        _store.SetPrice(variantId, price);
    }

    /// <summary>A variant's "Track quantity" and out-of-stock policy (<c>DENY</c> or <c>CONTINUE</c>).</summary>
    public (bool Tracked, string InventoryPolicy) GetVariantStockSettings(long variantId)
    {
        var variant = _store.GetVariant(variantId);
        return (variant.Tracked, variant.InventoryPolicy);
    }

    /// <summary>Deletes a variant from its product (its stock stays, as in Shopify until the item is removed).</summary>
    public void RemoveVariant(long variantId) => _store.RemoveVariant(variantId);

    /// <summary>Signs and sends any payload as a new event of <paramref name="topic"/>; returns the receiver's status.</summary>
    public async Task<HttpStatusCode> SendWebhookAsync(string topic, JsonObject payload, CancellationToken ct = default) =>
        (await SendEventAsync(topic, payload, ct)).Status;

    /// <summary>As <see cref="SendWebhookAsync"/>, also returning the event id for <see cref="RedeliverAsync"/>.</summary>
    public async Task<(string EventId, HttpStatusCode Status)> SendEventAsync(string topic, JsonObject payload, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var addresses = AddressesFor(topic);
        WebhookEvent webhookEvent;
        lock (_gate)
        {
            webhookEvent = new WebhookEvent(_ids.NextGuid().ToString(), topic, SimulatorJson.ToUtf8(payload), _timeProvider.GetUtcNow(), addresses);
            _events.Add(webhookEvent.EventId, webhookEvent);
        }

        var (_, status) = await DispatchAsync(webhookEvent, ct);
        return (webhookEvent.EventId, status);
    }

    public async ValueTask DisposeAsync()
    {
        // Pending retries (hours apart in Shopify's schedule) and held-back deliveries end with the simulator.
        await _webhooks.DisposeAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Where an event of <paramref name="topic"/> goes: every subscription of that topic once the shop has
    /// subscriptions (none of that topic: nowhere), otherwise the configured address.</summary>
    private IReadOnlyList<Uri> AddressesFor(string topic) =>
        _subscriptions.AddressesFor(topic)
        ?? [Options.WebhookUrl ?? throw new InvalidOperationException("Set ShopifySimulatorOptions.WebhookUrl or create webhook subscriptions before sending webhooks.")];

    private bool CanDeliver => Options.WebhookUrl is not null || _subscriptions.All.Count > 0;

    /// <summary>Shopify's delivery of a new event to each subscribed address: at least once. A failed attempt (no 2xx
    /// within the timeout) is retried on <see cref="ShopifySimulatorOptions.WebhookRetryDelays"/>; with the seeded
    /// fault rates a delivery is held back so later events overtake it, or sent twice. Returns the first address's
    /// first answer, or 0 when it was held back or not answered.</summary>
    private async Task<(string WebhookId, HttpStatusCode Status)> DispatchAsync(WebhookEvent webhookEvent, CancellationToken ct)
    {
        var result = (WebhookId: string.Empty, Status: (HttpStatusCode)0);
        lock (_gate)
        {
            if (_lostTopics.Contains(webhookEvent.Topic))
            {
                _logger.LogWarning("Webhook {EventId} ({Topic}) is lost: it reaches nobody", webhookEvent.EventId, webhookEvent.Topic);
                _lost.Add((webhookEvent.EventId, webhookEvent.Topic));
                return result;
            }
        }

        for (var i = 0; i < webhookEvent.Addresses.Count; i++)
        {
            var first = await _webhooks.DeliverAsync(Outgoing(webhookEvent, webhookEvent.Addresses[i]), ct);
            if (i == 0 && first is not null)
            {
                result = (first.DeliveryId!, first.Status);
            }
        }

        return result;
    }

    /// <summary>The event as Shopify sends it to one address: the same body, Event-Id and Triggered-At on every attempt,
    /// a new Webhook-Id each time.</summary>
    private OutgoingWebhook Outgoing(WebhookEvent webhookEvent, Uri address)
    {
        // HTTP/2 lowercases header names and newer deliveries drop the X- prefix; receivers must accept both.
        var prefix = Options.UnprefixedHeaders ? "shopify-" : "X-Shopify-";
        var signature = Sign(webhookEvent.Body);
        var triggeredAt = webhookEvent.TriggeredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
        KeyValuePair<string, string>[] headers =
        [
            new(prefix + "Topic", webhookEvent.Topic),
            new(prefix + "Hmac-Sha256", signature),
            new(prefix + "Shop-Domain", Options.ShopDomain),
            new(prefix + "API-Version", Options.ApiVersion),
            new(prefix + "Event-Id", webhookEvent.EventId),
            new(prefix + "Triggered-At", triggeredAt),
        ];
        return new OutgoingWebhook(webhookEvent.EventId, webhookEvent.Topic, address, webhookEvent.Body, _ => headers, prefix + "Webhook-Id");
    }

    private async Task<HttpStatusCode> SendRefundAsync(long orderId, IReadOnlyList<(long LineItemId, int Quantity)> lines, string restockType, CancellationToken ct)
    {
        JsonObject refund;
        var moved = new List<ShopifyVariant>();
        lock (_gate)
        {
            var order = _orders.TryGetValue(orderId, out var known) ? known : throw new ArgumentException($"No order {orderId}.", nameof(orderId));
            var refundId = _nextRefundId++;
            var refundLines = new JsonArray();
            foreach (var (lineItemId, quantity) in lines)
            {
                var line = order["line_items"]!.AsArray().First(l => (long)l!["id"]! == lineItemId)!;
                var variantId = (long)line["variant_id"]!;
                var variant = _store.GetVariant(variantId);
                if (restockType is "cancel" or "return")
                {
                    _store.Restock(variantId, quantity);
                    moved.Add(variant);
                }

                refundLines.Add(new JsonObject
                {
                    ["id"] = _nextLineItemId++,
                    ["line_item_id"] = lineItemId,
                    ["quantity"] = quantity,
                    ["restock_type"] = restockType,
                    ["location_id"] = variant.LocationId,
                    ["line_item"] = line.DeepClone(),
                });
            }

            refund = new JsonObject
            {
                ["id"] = refundId,
                ["admin_graphql_api_id"] = ShopifyGid.Format("Refund", refundId),
                ["order_id"] = orderId,
                ["created_at"] = _timeProvider.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
                ["restock"] = moved.Count > 0,
                ["refund_line_items"] = refundLines,
                ["transactions"] = new JsonArray(),
                ["order_adjustments"] = new JsonArray(),
            };
            order["refunds"]!.AsArray().Add(refund.DeepClone());
            order["updated_at"] = refund["created_at"]!.DeepClone();
        }

        var status = await SendWebhookAsync("refunds/create", refund, ct);
        foreach (var variant in moved)
        {
            await SendLevelIfEnabledAsync(variant.InventoryItemId, variant.LocationId, ct);
        }

        return status;
    }

    private Task SendLevelIfEnabledAsync(long inventoryItemId, long locationId, CancellationToken ct) =>
        Options.SendInventoryLevelWebhooks && CanDeliver
            ? SendWebhookAsync("inventory_levels/update", LevelPayload(inventoryItemId, locationId, _store.GetAvailable(inventoryItemId, locationId)), ct)
            : Task.CompletedTask;

    private JsonObject LevelPayload(long inventoryItemId, long locationId, int available) => new()
    {
        ["inventory_item_id"] = inventoryItemId,
        ["location_id"] = locationId,
        ["available"] = available,
        ["updated_at"] = _timeProvider.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
        ["admin_graphql_api_id"] = $"{ShopifyGid.Format("InventoryLevel", locationId)}?inventory_item_id={inventoryItemId.ToString(CultureInfo.InvariantCulture)}",
    };

    private string Sign(byte[] body) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Options.WebhookSecret), body));

    private void RaiseInventoryChanged(IReadOnlyList<ShopifyInventoryChanged> changed)
    {
        if (Options.SendInventoryLevelWebhooks && CanDeliver)
        {
            // Shopify reports the connector's own writes too; sent after the mutation's answer, not inside it.
            _webhooks.Run(async stop =>
            {
                foreach (var change in changed)
                {
                    await SendWebhookAsync("inventory_levels/update", LevelPayload(change.InventoryItemId, change.LocationId, change.Available), stop);
                }
            });
        }

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
    private JsonObject BuildOrderPayload(long orderId, int orderNumber, IReadOnlyList<(ShopifyVariant Variant, int Quantity)> sold, DateTimeOffset now)
    {
        var currency = Options.Currency;
        var timestamp = now.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        var lineItems = new JsonArray();
        var total = 0m;
        foreach (var (variant, quantity) in sold)
        {
            var lineItemId = _nextLineItemId++;
            var unitPrice = variant.Price;
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
                ["price_set"] = MoneySet(unitPrice, currency),
                ["total_discount"] = Money(0m),
                ["total_discount_set"] = MoneySet(0m, currency),
                ["discount_allocations"] = new JsonArray(),
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
            ["currency"] = currency,
            ["presentment_currency"] = currency,
            ["subtotal_price"] = Money(total),
            ["total_price"] = Money(total),
            ["total_discounts"] = Money(0m),
            ["total_tax"] = Money(0m),
            ["discount_applications"] = new JsonArray(),
            ["test"] = false,
            ["source_name"] = "web",
            ["location_id"] = null,
            ["line_items"] = lineItems,
            ["refunds"] = new JsonArray(),
            ["fulfillments"] = new JsonArray(),
        };
        return order;
    }

    private static string Money(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    // A REST MoneyBag: the amount in the shop's currency and in the buyer's (the same here: no multi-currency).
    private static JsonObject MoneySet(decimal amount, string currency) => new()
    {
        ["shop_money"] = new JsonObject { ["amount"] = Money(amount), ["currency_code"] = currency },
        ["presentment_money"] = new JsonObject { ["amount"] = Money(amount), ["currency_code"] = currency },
    };

    private sealed record GraphQlFault(string Operation, Func<JsonObject, bool> Match, ShopifyInjectedFault Answer)
    {
        public int Remaining { get; set; }
    }

    /// <param name="Addresses">Fixed when the event fires: Shopify retries to the address subscribed then.</param>
    private sealed record WebhookEvent(string EventId, string Topic, byte[] Body, DateTimeOffset TriggeredAt, IReadOnlyList<Uri> Addresses);
}

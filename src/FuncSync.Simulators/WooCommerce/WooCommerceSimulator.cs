using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FuncSync.Simulators.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FuncSync.Simulators.WooCommerce;

/// <summary>
/// An in-memory WooCommerce shop behind a real HTTP server: REST v3 under <c>/wp-json/wc/v3/</c> with consumer key
/// and secret, products and variations with their stock, the batch endpoints and their limit, orders listed by
/// modification date, WooCommerce's error shape <c>{code, message, data:{status}}</c>; and the shop's own behaviour:
/// stock reduced when an order is paid, unpaid orders holding stock for "Hold stock" minutes and then cancelled, stock
/// restored when a paid order is cancelled, a refund restocking only when asked, stock edited in wp-admin, and
/// checkouts that race for the last unit and drive stock below zero (woocommerce/woocommerce #44273). One webhook per
/// topic FuncSync uses, signed like <c>WC_Webhook::generate_signature</c>, queued like Action Scheduler (late on a
/// quiet site, its payload built when sent), never retried, each disabled after more than 5 failures in a row, and
/// listed with its status by <c>GET webhooks</c>.
/// </summary>
public sealed partial class WooCommerceSimulator : IAsyncDisposable
{
    public const string OrderCreated = "order.created";
    public const string OrderUpdated = "order.updated";
    public const string ProductUpdated = "product.updated";

    private readonly Lock _gate = new();
    private readonly WebApplication _app;
    private readonly TimeProvider _time;
    private readonly WebhookSender _sender;
    private readonly HttpClient _ping;
    private readonly Random _random;
    private readonly Dictionary<long, WooStockHolder> _holders = [];
    private readonly SortedDictionary<long, WooOrder> _orders = [];
    private readonly List<(string Topic, long Resource, DateTimeOffset Due)> _scheduled = [];
    private readonly SemaphoreSlim _delivering = new(1, 1);
    private long _nextPostId;
    private long _nextLineId;
    private decimal _couponPercent;
    private int _lost;
    private int _batchCalls;
    private int _batchItems;

    private WooCommerceSimulator(WooCommerceSimulatorOptions options, TimeProvider time, ILogger logger, WebApplication app, Uri baseUrl)
    {
        Options = options;
        _time = time;
        _random = new Random(options.Seed);
        _nextPostId = 100 + _random.Next(900);
        _nextLineId = 1;
        _webhooks = [new(7, OrderCreated, Now()), new(8, OrderUpdated, Now()), new(9, ProductUpdated, Now())];
        // WooCommerce never retries a failed delivery.
        _sender = new WebhookSender(time, options.DeliveryTimeout, () => [], logger);
        _ping = new HttpClient { Timeout = options.DeliveryTimeout };
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>The site's home URL; the REST API is below <c>wp-json/wc/v3/</c>.</summary>
    public Uri BaseUrl { get; }

    public WooCommerceSimulatorOptions Options { get; }

    /// <summary>Deliveries that never left the site.</summary>
    public int Lost => Volatile.Read(ref _lost);

    /// <summary>Batch calls that were accepted, and the items they carried.</summary>
    public int BatchCalls => Volatile.Read(ref _batchCalls);

    public int BatchItems => Volatile.Read(ref _batchItems);

    /// <summary>Every delivery attempt, in the order they were answered.</summary>
    public IReadOnlyList<WebhookAttempt> Deliveries => _sender.Attempts;

    /// <summary>Deliveries waiting for the next cron run.</summary>
    public int Scheduled
    {
        get
        {
            lock (_gate)
            {
                return _scheduled.Count;
            }
        }
    }

    /// <summary>Raised after a REST write changed a stock holder's quantity (for latency measurement).</summary>
    public event Action<long, int?>? StockWritten;

    public static async Task<WooCommerceSimulator> StartAsync(WooCommerceSimulatorOptions options, TimeProvider timeProvider, ILoggerFactory? loggerFactory = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        WooCommerceSimulator? simulator = null;
        var (app, baseUrl) = await SimulatorHost.StartAsync(context => simulator!.HandleAsync(context), loggerFactory, ct);
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<WooCommerceSimulator>();
        simulator = new WooCommerceSimulator(options, timeProvider, logger, app, baseUrl);
        return simulator;
    }

    /// <summary>WooCommerce's signature: base64 of the HMAC-SHA256 of the exact body bytes, keyed with the secret.</summary>
    public static string Sign(string secret, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
    }

    /// <summary>Adds a simple product with stock managed at <paramref name="stock"/>; its id is given or drawn, its price
    /// given or <see cref="WooCommerceSimulatorOptions.DefaultPrice"/>.</summary>
    public long AddProduct(string sku, int stock, long? id = null, string? name = null, decimal? price = null)
    {
        lock (_gate)
        {
            var product = new WooStockHolder(id ?? NextPostId(), null, name ?? sku, sku) { StockQuantity = stock, Modified = Now(), Price = price ?? Options.DefaultPrice };
            _holders.Add(product.Id, product);
            return product.Id;
        }
    }

    /// <summary>Adds a variable product with one variation per SKU, each managing its own stock.</summary>
    public (long ProductId, IReadOnlyList<long> VariationIds) AddVariableProduct(string name, IReadOnlyList<(string Sku, int Stock)> variations, long? productId = null)
    {
        ArgumentNullException.ThrowIfNull(variations);
        lock (_gate)
        {
            var product = new WooStockHolder(productId ?? NextPostId(), null, name, string.Empty) { IsVariable = true, ManageStock = false, Modified = Now(), Price = Options.DefaultPrice };
            _holders.Add(product.Id, product);
            var ids = new List<long>();
            foreach (var (sku, stock) in variations)
            {
                var variation = new WooStockHolder(NextPostId(), product.Id, name + " - " + sku, sku) { StockQuantity = stock, Modified = Now(), Price = Options.DefaultPrice };
                _holders.Add(variation.Id, variation);
                ids.Add(variation.Id);
            }

            return (product.Id, ids);
        }
    }

    public int? GetStock(long id)
    {
        lock (_gate)
        {
            return Holder(id).StockQuantity;
        }
    }

    /// <summary>The seller changes a product's or variation's price: orders placed from now on carry it.</summary>
    public void SetPrice(long id, decimal price)
    {
        lock (_gate)
        {
            var holder = Holder(id);
            holder.Price = price;
            holder.Modified = Now();
        }
    }

    /// <summary>A coupon for the next checkouts: <paramref name="percent"/> off each line's subtotal (a "Percentage
    /// discount" coupon), until set back to 0.</summary>
    public void SetCouponPercent(decimal percent)
    {
        lock (_gate)
        {
            _couponPercent = percent;
        }
    }

    /// <summary>Turns stock management or backorders on or off, as the seller does on the product's Inventory tab.</summary>
    public void SetInventory(long id, bool manageStock, string backorders = "no")
    {
        lock (_gate)
        {
            var holder = Holder(id);
            holder.ManageStock = manageStock;
            holder.Backorders = backorders;
            holder.Modified = Now();
        }
    }

    /// <summary>A stock edit in wp-admin: the quantity is set, and <c>product.updated</c> fires.</summary>
    public Task<HttpStatusCode?> EditStockInAdminAsync(long id, int quantity, CancellationToken ct = default)
    {
        long resource;
        lock (_gate)
        {
            var holder = Holder(id);
            holder.StockQuantity = quantity;
            holder.Modified = Now();
            resource = ProductResource(holder);
        }

        return FireAsync(ProductUpdated, resource, ct);
    }

    /// <summary>A buyer checks out: the order is created pending (holding its units from other checkouts for "Hold
    /// stock" minutes) and, when <paramref name="pay"/>, paid at once: processing, stock reduced. Refused with
    /// <see cref="InvalidOperationException"/> when a line's product has not enough stock left for it, as the checkout
    /// refuses.</summary>
    public async Task<long> CheckoutAsync(IReadOnlyList<(long StockId, int Quantity)> lines, bool pay = true, CancellationToken ct = default)
    {
        long orderId;
        List<long> products;
        lock (_gate)
        {
            var order = CreateOrder(lines, checkStock: true);
            orderId = order.Id;
            products = pay ? Pay(order) : [];
        }

        await FireAsync(OrderCreated, orderId, ct);
        foreach (var product in products)
        {
            await FireAsync(ProductUpdated, product, ct);
        }

        return orderId;
    }

    /// <summary>Several buyers check out the same stock holder at once: every checkout validates stock before any of
    /// them reduces it (WooCommerce has no lock there), so the last unit sells more than once and stock goes below
    /// zero. Answers the order ids.</summary>
    public async Task<IReadOnlyList<long>> RaceCheckoutsAsync(long stockId, int buyers, CancellationToken ct = default)
    {
        var orders = new List<WooOrder>();
        var products = new HashSet<long>();
        lock (_gate)
        {
            var holder = Holder(stockId);
            if (!CanSell(holder, 1, null))
            {
                throw new InvalidOperationException($"{holder.Sku} is out of stock.");
            }

            for (var i = 0; i < buyers; i++)
            {
                orders.Add(CreateOrder([(stockId, 1)], checkStock: false));
            }

            foreach (var order in orders)
            {
                products.UnionWith(Pay(order));
            }
        }

        foreach (var order in orders)
        {
            await FireAsync(OrderCreated, order.Id, ct);
        }

        foreach (var product in products)
        {
            await FireAsync(ProductUpdated, product, ct);
        }

        return [.. orders.Select(o => o.Id)];
    }

    /// <summary>Payment completes for a pending order: processing, stock reduced.</summary>
    public async Task PayAsync(long orderId, CancellationToken ct = default)
    {
        List<long> products;
        lock (_gate)
        {
            var order = Order(orderId);
            products = Pay(order);
        }

        await FireOrderAndProductsAsync(orderId, products, ct);
    }

    /// <summary>The seller ships: completed.</summary>
    public Task CompleteAsync(long orderId, CancellationToken ct = default)
    {
        lock (_gate)
        {
            var order = Order(orderId);
            order.Status = "completed";
            order.Modified = Now();
        }

        return FireAsync(OrderUpdated, orderId, ct);
    }

    /// <summary>Cancelled: what the shop took off stock for the order goes back (<c>wc_maybe_increase_stock_levels</c>).</summary>
    public async Task CancelAsync(long orderId, CancellationToken ct = default)
    {
        List<long> products;
        lock (_gate)
        {
            products = Cancel(Order(orderId));
        }

        await FireOrderAndProductsAsync(orderId, products, ct);
    }

    /// <summary>A refund of some units of some lines; the stock goes back only with <paramref name="restockItems"/>
    /// ("Restock refunded items", <c>wc_restock_refunded_items</c>). The whole order refunded: status refunded.</summary>
    public async Task<long> RefundAsync(long orderId, IReadOnlyList<(long LineId, int Quantity)> lines, bool restockItems, CancellationToken ct = default)
    {
        long refundId;
        var products = new List<long>();
        lock (_gate)
        {
            var order = Order(orderId);
            var refunded = lines.Select(l => (Line: order.Lines.Single(x => x.Id == l.LineId), l.Quantity)).ToList();
            foreach (var (line, quantity) in refunded)
            {
                line.Refunded += quantity;
                if (restockItems && line.Holder.ManageStock)
                {
                    line.Holder.StockQuantity += quantity;
                    line.Holder.Modified = Now();
                    line.RestockedRefunded += quantity;
                    products.Add(ProductResource(line.Holder));
                }
            }

            refundId = NextPostId();
            order.Refunds.Add(new WooRefund(refundId, Now(), refunded, restockItems));
            if (order.Lines.All(l => l.Refunded >= l.Quantity))
            {
                order.Status = "refunded";
            }

            order.Modified = Now();
        }

        await FireOrderAndProductsAsync(orderId, products.Distinct().ToList(), ct);
        return refundId;
    }

    /// <summary>The order as a webhook would carry it now: the REST resource's trimmed JSON, the bytes that are signed.</summary>
    public byte[] OrderPayload(long orderId)
    {
        lock (_gate)
        {
            return Encoding.UTF8.GetBytes(SimulatorJson.ToJson(Order(orderId).ToJson()).Trim());
        }
    }

    /// <summary>The line ids of an order, in order.</summary>
    public IReadOnlyList<long> LineIds(long orderId)
    {
        lock (_gate)
        {
            return [.. Order(orderId).Lines.Select(l => l.Id)];
        }
    }

    public string OrderStatus(long orderId)
    {
        lock (_gate)
        {
            return Order(orderId).Status;
        }
    }

    /// <summary>A WP-Cron run (somebody visited the site): unpaid orders older than "Hold stock" are cancelled
    /// (<c>wc_cancel_unpaid_orders</c>), and the deliveries that are due are sent, each payload built now.</summary>
    public async Task RunCronAsync(CancellationToken ct = default)
    {
        var now = Now();
        List<long> expired;
        lock (_gate)
        {
            expired = [.. _orders.Values.Where(o => o.Status == "pending" && now - o.Created >= Options.HoldStock).Select(o => o.Id)];
            foreach (var id in expired)
            {
                Cancel(_orders[id]);
            }
        }

        foreach (var id in expired)
        {
            await FireAsync(OrderUpdated, id, ct);
        }

        List<(string Topic, long Resource, DateTimeOffset Due)> due;
        lock (_gate)
        {
            due = [.. _scheduled.Where(s => s.Due <= now)];
            _scheduled.RemoveAll(s => s.Due <= now);
        }

        foreach (var (topic, resource, _) in due)
        {
            await DeliverAsync(topic, resource, ct);
        }
    }

    /// <summary>The creation ping WooCommerce sends when the webhook is saved: form-encoded <c>webhook_id=&lt;n&gt;</c>,
    /// unsigned. WooCommerce accepts the URL only on exactly 200.</summary>
    public async Task<HttpStatusCode> PingAsync(CancellationToken ct = default)
    {
        var url = Options.DeliveryUrl ?? throw new InvalidOperationException("No delivery URL is set.");
        using var content = new StringContent("webhook_id=" + Webhook(OrderCreated).Id.ToString(CultureInfo.InvariantCulture), Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await _ping.PostAsync(url, content, ct);
        return response.StatusCode;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _sender.DisposeAsync();
        _ping.Dispose();
        _delivering.Dispose();
    }

    private WooOrder CreateOrder(IReadOnlyList<(long StockId, int Quantity)> lines, bool checkStock)
    {
        var holders = lines.Select(l => (Holder: Holder(l.StockId), l.Quantity)).ToList();
        if (checkStock && holders.FirstOrDefault(h => !CanSell(h.Holder, h.Quantity, null)) is { Holder: not null } short_)
        {
            throw new InvalidOperationException($"Sorry, we do not have enough \"{short_.Holder.Name}\" in stock to fulfill your order.");
        }

        var now = Now();
        var order = new WooOrder(
            NextPostId(),
            now,
            [.. holders.Select(h => new WooLine(_nextLineId++, h.Holder, h.Quantity, decimal.Round(h.Holder.Price * h.Quantity * _couponPercent / 100, 2)))],
            Options.Currency);
        _orders.Add(order.Id, order);
        return order;
    }

    /// <summary>Whether the shop lets a buyer take <paramref name="quantity"/>: stock less what unpaid orders hold
    /// (<c>wc_get_held_stock_quantity</c>), unless stock is not managed or backorders are allowed.</summary>
    private bool CanSell(WooStockHolder holder, int quantity, long? exceptOrder)
    {
        if (!holder.ManageStock || holder.Backorders != "no")
        {
            return true;
        }

        var held = _orders.Values
            .Where(o => o.Status == "pending" && o.Id != exceptOrder && Now() - o.Created < Options.HoldStock)
            .SelectMany(o => o.Lines)
            .Where(l => l.Holder == holder)
            .Sum(l => l.Quantity);
        return (holder.StockQuantity ?? 0) - held >= quantity;
    }

    /// <summary><c>payment_complete</c> then <c>wc_maybe_reduce_stock_levels</c>: processing, paid, and each line's
    /// units off its stock holder once (<c>_reduced_stock</c>). Answers the product resources whose stock moved.</summary>
    private List<long> Pay(WooOrder order)
    {
        var now = Now();
        order.Status = "processing";
        order.Paid = now;
        order.Modified = now;
        var products = new List<long>();
        foreach (var line in order.Lines.Where(l => l.ReducedStock is null && l.Holder.ManageStock))
        {
            line.Holder.StockQuantity -= line.Quantity;
            line.Holder.Modified = now;
            line.ReducedStock = line.Quantity;
            products.Add(ProductResource(line.Holder));
        }

        return [.. products.Distinct()];
    }

    private List<long> Cancel(WooOrder order)
    {
        var now = Now();
        order.Status = "cancelled";
        order.Modified = now;
        var products = new List<long>();
        foreach (var line in order.Lines.Where(l => l.ReducedStock is not null))
        {
            line.Holder.StockQuantity += line.ReducedStock;
            line.Holder.Modified = now;
            line.ReducedStock = null;
            products.Add(ProductResource(line.Holder));
        }

        return [.. products.Distinct()];
    }

    private async Task FireOrderAndProductsAsync(long orderId, IReadOnlyList<long> products, CancellationToken ct)
    {
        await FireAsync(OrderUpdated, orderId, ct);
        foreach (var product in products)
        {
            await FireAsync(ProductUpdated, product, ct);
        }
    }

    /// <summary>Queues a delivery as WooCommerce does: at once when there is no delay, else for the next cron run
    /// after the delay. Answers the receiver's status of an immediate delivery (null when none was made).</summary>
    private async Task<HttpStatusCode?> FireAsync(string topic, long resource, CancellationToken ct)
    {
        lock (_gate)
        {
            if (Options.DeliveryUrl is null || Webhook(topic).Status != WebhookActive)
            {
                return null;
            }

            if (Options.DeliveryDelay > TimeSpan.Zero)
            {
                _scheduled.Add((topic, resource, Now() + Options.DeliveryDelay));
                return null;
            }
        }

        return await DeliverAsync(topic, resource, ct);
    }

    /// <summary><c>WC_Webhook::deliver</c>: the payload is the resource as the REST API shows it now, the body its
    /// trimmed JSON, signed, sent by the topic's webhook, whose failure count the answer moves (<see cref="WooWebhook.Answered"/>).</summary>
    private async Task<HttpStatusCode?> DeliverAsync(string topic, long resource, CancellationToken ct)
    {
        // One delivery at a time, as one cron runner sends them, so the failure count moves as WooCommerce's does.
        await _delivering.WaitAsync(ct);
        try
        {
            OutgoingWebhook webhook;
            lock (_gate)
            {
                if (Options.DeliveryUrl is not { } url || Webhook(topic) is not { Status: WebhookActive } hook)
                {
                    return null;
                }

                if (Options.LostShare > 0 && _random.NextDouble() < Options.LostShare)
                {
                    Interlocked.Increment(ref _lost);
                    return null;
                }

                var payload = topic.StartsWith("order.", StringComparison.Ordinal) ? Order(resource).ToJson() : ProductJson(Holder(resource));
                var body = Encoding.UTF8.GetBytes(SimulatorJson.ToJson(payload).Trim());
                // wp_hash(webhook id . time()): a new value per delivery, not per event.
                var deliveryId = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{hook.Id}{Now().ToUnixTimeMilliseconds()}{_random.Next()}"))))[..32];
                var signature = Sign(Options.WebhookSecret, body);
                var (resourceName, eventName) = (topic.Split('.')[0], topic.Split('.')[1]);
                var source = BaseUrl.ToString();
                webhook = new OutgoingWebhook(deliveryId, topic, url, body, _ =>
                [
                    new("X-WC-Webhook-Source", source),
                    new("X-WC-Webhook-Topic", topic),
                    new("X-WC-Webhook-Resource", resourceName),
                    new("X-WC-Webhook-Event", eventName),
                    new("X-WC-Webhook-Signature", signature),
                    new("X-WC-Webhook-ID", hook.Id.ToString(CultureInfo.InvariantCulture)),
                    new("X-WC-Webhook-Delivery-ID", deliveryId),
                ]);
            }

            var status = await _sender.SendAsync(webhook, ct);
            lock (_gate)
            {
                Webhook(topic).Answered(status, Options.MaxDeliveryFailures, Now());
            }

            return status;
        }
        finally
        {
            _delivering.Release();
        }
    }

    /// <summary>The product a <c>product.updated</c> names: a variation's parent (its payload lists the variations).</summary>
    private static long ProductResource(WooStockHolder holder) => holder.ParentId ?? holder.Id;

    private JsonObject ProductJson(WooStockHolder product)
    {
        var json = product.ToJson();
        json["variations"] = new JsonArray([.. _holders.Values.Where(h => h.ParentId == product.Id).Select(h => (JsonNode)h.Id)]);
        return json;
    }

    private WooStockHolder Holder(long id) =>
        _holders.TryGetValue(id, out var holder) ? holder : throw new KeyNotFoundException($"No product or variation {id}.");

    private WooOrder Order(long id) =>
        _orders.TryGetValue(id, out var order) ? order : throw new KeyNotFoundException($"No order {id}.");

    private long NextPostId()
    {
        while (_holders.ContainsKey(_nextPostId) || _orders.ContainsKey(_nextPostId))
        {
            _nextPostId++;
        }

        return _nextPostId++;
    }

    // WordPress stores dates to the second.
    private DateTimeOffset Now() => WooTime.Truncate(_time.GetUtcNow());
}

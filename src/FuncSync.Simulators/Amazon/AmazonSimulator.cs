using System.Globalization;
using System.Text.Json.Nodes;
using FuncSync.Simulators.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace FuncSync.Simulators.Amazon;

/// <summary>
/// An in-memory Amazon seller behind a real HTTP server: Login with Amazon's token endpoint, the Selling Partner API's
/// Listings Items (2021-08-01), Orders (v0) and Feeds (2021-06-30) paths with their payloads, error shape
/// <c>{errors:[{code,message,details}]}</c> and per-operation token buckets (429 and <c>x-amzn-RateLimit-Limit</c> on
/// every answer), and an SQS-compatible endpoint (AWS JSON 1.0) carrying <c>ORDER_CHANGE</c> notifications, which the
/// AWS SDK for .NET receives from and deletes on. Amazon's timing is modelled on the injected clock: a patch answers
/// <c>ACCEPTED</c> and applies after <see cref="AmazonSimulatorOptions.PatchDelay"/>; an order's change shows in the
/// Orders API after <see cref="AmazonSimulatorOptions.OrderVisibilityDelay"/>; a feed is processed after
/// <see cref="AmazonSimulatorOptions.FeedProcessingDelay"/>.
/// </summary>
public sealed partial class AmazonSimulator : IAsyncDisposable
{
    /// <summary>The fulfillment channel code of merchant-fulfilled stock.</summary>
    public const string MerchantChannel = "DEFAULT";

    private readonly Lock _gate = new();
    private readonly WebApplication _app;
    private readonly TimeProvider _time;
    private readonly SeededIds _ids;
    private readonly Dictionary<string, AmazonListing> _listings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, decimal> _promotions = new(StringComparer.Ordinal);
    private readonly List<AmazonPendingPatch> _pending = [];
    private readonly Dictionary<string, AmazonOrder> _orders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AmazonTokenBucket> _buckets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _accessTokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _requests = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _throttled = new(StringComparer.Ordinal);
    private long _nextOrder;

    private AmazonSimulator(AmazonSimulatorOptions options, TimeProvider time, WebApplication app, Uri baseUrl)
    {
        Options = options;
        _time = time;
        _ids = new SeededIds(options.Seed);
        _nextOrder = _ids.NextStart(1_000_000, 8_000_000);
        _app = app;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public AmazonSimulatorOptions Options { get; }

    /// <summary>The notifications queue's URL, as the SDK's <c>QueueUrl</c>.</summary>
    public Uri QueueUrl => new(BaseUrl, Options.AwsAccountId + "/" + Options.QueueName);

    /// <summary>The LWA token endpoint.</summary>
    public Uri TokenUrl => new(BaseUrl, "auth/o2/token");

    public static async Task<AmazonSimulator> StartAsync(AmazonSimulatorOptions options, TimeProvider timeProvider, ILoggerFactory? loggerFactory = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        AmazonSimulator? simulator = null;
        var (app, baseUrl) = await SimulatorHost.StartAsync(context => simulator!.HandleAsync(context), loggerFactory, ct);
        simulator = new AmazonSimulator(options, timeProvider, app, baseUrl);
        return simulator;
    }

    /// <summary>Raised when a patch is answered ACCEPTED (for latency measurement): the SKU and the quantity.</summary>
    public event Action<string, int>? PatchAccepted;

    /// <summary>Requests answered 429, all operations.</summary>
    public int Throttled
    {
        get
        {
            lock (_gate)
            {
                return _throttled.Values.Sum();
            }
        }
    }

    /// <summary>Requests of one operation that reached the API (throttled ones included).</summary>
    public int Requests(string operation)
    {
        lock (_gate)
        {
            return _requests.GetValueOrDefault(operation);
        }
    }

    /// <summary>Requests of one operation answered 429.</summary>
    public int ThrottledOf(string operation)
    {
        lock (_gate)
        {
            return _throttled.GetValueOrDefault(operation);
        }
    }

    /// <summary>Patches and feed messages accepted and not yet applied.</summary>
    public int PendingPatches
    {
        get
        {
            lock (_gate)
            {
                Settle();
                return _pending.Count;
            }
        }
    }

    /// <summary>Lists a SKU with <paramref name="quantity"/> merchant-fulfilled units and a handling time; with
    /// <paramref name="fbaQuantity"/> the same SKU also has FBA stock under <c>AMAZON_NA</c>.</summary>
    /// <param name="price">The offer's unit price in <see cref="AmazonSimulatorOptions.Currency"/>; unset,
    /// <see cref="AmazonSimulatorOptions.DefaultPrice"/>.</param>
    public void AddListing(string sku, int quantity, int leadTimeToShipMaxDays = 2, int? fbaQuantity = null, string productType = "PRODUCT", string? title = null, decimal? price = null)
    {
        lock (_gate)
        {
            var listing = new AmazonListing(sku, "B0" + _ids.NextStart(10_000_000, 89_999_999).ToString(CultureInfo.InvariantCulture), productType, title ?? sku) { Price = price ?? Options.DefaultPrice };
            listing.Availability.Add(new AmazonAvailability(MerchantChannel, quantity, leadTimeToShipMaxDays));
            if (fbaQuantity is { } fba)
            {
                listing.Availability.Add(new AmazonAvailability("AMAZON_NA", fba, null));
            }

            _listings[sku] = listing;
        }
    }

    /// <summary>The seller changes the offer's price: orders placed from now on carry it.</summary>
    public void SetPrice(string sku, decimal price)
    {
        lock (_gate)
        {
            Listing(sku).Price = price;
        }
    }

    /// <summary>A promotion on the SKU: <paramref name="percent"/> off the item price of the next orders' lines
    /// (getOrderItems' <c>PromotionDiscount</c>); 0 ends it.</summary>
    public void SetPromotionPercent(string sku, decimal percent)
    {
        lock (_gate)
        {
            _promotions[sku] = percent;
        }
    }

    /// <summary>The seller edits the merchant-fulfilled quantity in Seller Central, behind FuncSync's back.</summary>
    public void SetQuantity(string sku, int quantity)
    {
        lock (_gate)
        {
            Settle();
            var listing = Listing(sku);
            listing.MoveDefault(quantity - listing.DefaultQuantity);
        }
    }

    /// <summary>Merchant-fulfilled quantity buyers see now (patches due by now applied).</summary>
    public int GetQuantity(string sku) => GetAvailability(sku).FirstOrDefault(a => a.ChannelCode == MerchantChannel)?.Quantity ?? 0;

    /// <summary>Every entry of the listing's <c>fulfillment_availability</c>, as <c>getListingsItem</c> would show it now.</summary>
    public IReadOnlyList<AmazonAvailability> GetAvailability(string sku)
    {
        lock (_gate)
        {
            Settle();
            return [.. Listing(sku).Availability];
        }
    }

    /// <summary>A buyer orders: the stock of the fulfillment channel drops at once on the listing; the order shows in the
    /// Orders API after the visibility delay; with <paramref name="notify"/> an <c>ORDER_CHANGE</c> goes to the queue.</summary>
    /// <param name="fulfillmentChannel"><c>MFN</c> (from the seller's stock) or <c>AFN</c> (from FBA stock).</param>
    public string PlaceOrder(IReadOnlyList<(string Sku, int Quantity)> lines, string fulfillmentChannel = "MFN", bool notify = true)
    {
        ArgumentNullException.ThrowIfNull(lines);
        lock (_gate)
        {
            Settle();
            var now = _time.GetUtcNow();
            var id = string.Create(CultureInfo.InvariantCulture, $"113-{_nextOrder++:D7}-{_ids.NextStart(1_000_000, 8_999_999):D7}");
            var orderLines = lines.Select((l, i) => new AmazonOrderLine(
                string.Create(CultureInfo.InvariantCulture, $"{_ids.NextStart(10_000_000_000_000, 89_999_999_999_999):D14}"), l.Sku, Listing(l.Sku).Asin, l.Quantity)
            {
                UnitPrice = Listing(l.Sku).Price,
                PromotionDiscount = decimal.Round(Listing(l.Sku).Price * l.Quantity * _promotions.GetValueOrDefault(l.Sku) / 100, 2),
            }).ToList();
            foreach (var line in orderLines)
            {
                MoveStock(line.Sku, fulfillmentChannel, -line.Quantity);
            }

            var order = new AmazonOrder(id, fulfillmentChannel, now, orderLines) { VisibleAt = now + Options.OrderVisibilityDelay };
            _orders[id] = order;
            if (notify)
            {
                EnqueueOrderChange(order, "OrderStatusChange", now);
            }

            return id;
        }
    }

    /// <summary>The order is cancelled (by the seller, or Amazon after the buyer's request): its units go back on the listing.</summary>
    public void CancelOrder(string orderId, bool notify = true)
    {
        lock (_gate)
        {
            Settle();
            var order = Order(orderId);
            if (order.Status == "Canceled")
            {
                return;
            }

            foreach (var line in order.Lines)
            {
                MoveStock(line.Sku, order.FulfillmentChannel, line.Quantity);
            }

            Change(order, "Canceled", "OrderStatusChange", notify);
        }
    }

    /// <summary>The buyer asks to cancel: nothing moves until the seller cancels; the order says so.</summary>
    public void RequestCancellation(string orderId, bool notify = true)
    {
        lock (_gate)
        {
            Settle();
            var order = Order(orderId);
            foreach (var line in order.Lines)
            {
                line.BuyerRequestedCancel = true;
            }

            Change(order, order.Status, "BuyerRequestedChange", notify);
        }
    }

    /// <summary>The seller ships the order.</summary>
    public void ShipOrder(string orderId, bool notify = true)
    {
        lock (_gate)
        {
            Settle();
            var order = Order(orderId);
            foreach (var line in order.Lines)
            {
                line.QuantityShipped = line.Quantity;
            }

            Change(order, "Shipped", "OrderStatusChange", notify);
        }
    }

    /// <summary>Empties one operation's bucket, so its next request is answered 429 until tokens refill.</summary>
    public void ExhaustBucket(string operation)
    {
        lock (_gate)
        {
            var bucket = Bucket(operation);
            while (bucket.TryTake(_time.GetUtcNow()))
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _received.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Applies every patch and feed whose time has come. Callers hold the lock.</summary>
    private void Settle()
    {
        var now = _time.GetUtcNow();
        foreach (var patch in _pending.Where(p => p.ApplyAt <= now).OrderBy(p => p.ApplyAt).ToList())
        {
            if (_listings.TryGetValue(patch.Sku, out var listing))
            {
                foreach (var operation in patch.Operations)
                {
                    Apply(listing, operation);
                }
            }

            _pending.Remove(patch);
        }

        foreach (var feed in _feeds.Values.Where(f => f.Status != "DONE"))
        {
            feed.Status = now >= feed.DoneAt ? "DONE" : now >= feed.CreatedAt + ((feed.DoneAt - feed.CreatedAt) / 2) ? "IN_PROGRESS" : "IN_QUEUE";
        }
    }

    /// <summary><c>merge</c> changes only the fields given, entry by entry, matched on <c>fulfillment_channel_code</c>
    /// (an entry for a code the listing lacks is added: an FBA code patched this way adds a second entry);
    /// <c>replace</c> puts the value in place of the whole attribute, so fields not given (lead time) are gone;
    /// <c>delete</c> removes the entries named.</summary>
    private static void Apply(AmazonListing listing, AmazonPatchOperation operation)
    {
        switch (operation.Op)
        {
            case "replace":
                listing.Availability = [.. operation.Value];
                break;
            case "delete":
                listing.Availability.RemoveAll(a => operation.Value.Any(v => v.ChannelCode == a.ChannelCode));
                break;
            default:
                foreach (var value in operation.Value)
                {
                    var index = listing.Availability.FindIndex(a => a.ChannelCode == value.ChannelCode);
                    if (index < 0)
                    {
                        listing.Availability.Add(value);
                    }
                    else if (operation.Op == "merge")
                    {
                        var existing = listing.Availability[index];
                        listing.Availability[index] = existing with
                        {
                            Quantity = value.Quantity ?? existing.Quantity,
                            LeadTimeToShipMaxDays = value.LeadTimeToShipMaxDays ?? existing.LeadTimeToShipMaxDays,
                        };
                    }
                    else
                    {
                        listing.Availability[index] = value;
                    }
                }

                break;
        }
    }

    private void MoveStock(string sku, string fulfillmentChannel, int delta)
    {
        var listing = Listing(sku);
        if (fulfillmentChannel == "MFN")
        {
            listing.MoveDefault(delta);
            return;
        }

        var index = listing.Availability.FindIndex(a => a.ChannelCode != MerchantChannel);
        if (index >= 0)
        {
            listing.Availability[index] = listing.Availability[index] with { Quantity = Math.Max(0, (listing.Availability[index].Quantity ?? 0) + delta) };
        }
    }

    private void Change(AmazonOrder order, string status, string changeType, bool notify)
    {
        var now = _time.GetUtcNow();
        if (order.VisibleAt <= now)
        {
            // The Orders API keeps showing the last version until this change has propagated.
            order.Previous = (order.Status, order.LastUpdateDate, order.IsBuyerRequestedCancel);
        }

        order.Status = status;
        order.LastUpdateDate = now;
        order.VisibleAt = now + Options.OrderVisibilityDelay;
        if (notify)
        {
            EnqueueOrderChange(order, changeType, now);
        }
    }

    /// <summary>The <c>ORDER_CHANGE</c> notification as Amazon publishes it to the destination queue.</summary>
    private void EnqueueOrderChange(AmazonOrder order, string changeType, DateTimeOffset now)
    {
        var at = Iso(now);
        var body = new JsonObject
        {
            ["NotificationVersion"] = "1.0",
            ["NotificationType"] = "ORDER_CHANGE",
            ["PayloadVersion"] = "1.0",
            ["EventTime"] = at,
            ["Payload"] = new JsonObject
            {
                ["OrderChangeNotification"] = new JsonObject
                {
                    ["NotificationLevel"] = "OrderLevel",
                    ["SellerId"] = Options.SellerId,
                    ["AmazonOrderId"] = order.Id,
                    ["OrderChangeType"] = changeType,
                    ["OrderChangeTrigger"] = new JsonObject { ["TimeOfOrderChange"] = at, ["ChangeReason"] = changeType == "BuyerRequestedChange" ? "BuyerRequestedCancel" : "OrderStatusChange" },
                    ["Summary"] = new JsonObject
                    {
                        ["MarketplaceId"] = Options.MarketplaceId,
                        ["OrderStatus"] = order.Status,
                        ["PurchaseDate"] = Iso(order.PurchaseDate),
                        ["FulfillmentType"] = order.FulfillmentChannel,
                        ["OrderItems"] = SimulatorJson.Array(order.Lines.Select(l => (JsonNode)new JsonObject
                        {
                            ["OrderItemId"] = l.OrderItemId,
                            ["SellerSKU"] = l.Sku,
                            ["Quantity"] = l.Quantity,
                            ["QuantityShipped"] = l.QuantityShipped,
                            ["IsBuyerRequestedCancel"] = l.BuyerRequestedCancel,
                        })),
                    },
                },
            },
            ["NotificationMetadata"] = new JsonObject
            {
                ["ApplicationId"] = "amzn1.sellerapps.app.simulator",
                ["SubscriptionId"] = "sub-simulator-order-change",
                ["PublishTime"] = at,
                ["NotificationId"] = _ids.NextGuid().ToString(),
            },
        };
        Enqueue(SimulatorJson.ToJson(body), now);
    }

    private AmazonListing Listing(string sku) =>
        _listings.TryGetValue(sku, out var listing) ? listing : throw new InvalidOperationException($"No listing with SKU {sku}.");

    private AmazonOrder Order(string orderId) =>
        _orders.TryGetValue(orderId, out var order) ? order : throw new InvalidOperationException($"No order {orderId}.");

    private AmazonTokenBucket Bucket(string operation)
    {
        if (!_buckets.TryGetValue(operation, out var bucket))
        {
            bucket = new AmazonTokenBucket(Options.RateLimits.GetValueOrDefault(operation) ?? new AmazonRateLimit(1, 5), _time.GetUtcNow());
            _buckets[operation] = bucket;
        }

        return bucket;
    }

    internal static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}

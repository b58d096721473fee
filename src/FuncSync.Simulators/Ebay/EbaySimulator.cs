using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FuncSync.Simulators.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FuncSync.Simulators.Ebay;

/// <summary>
/// An in-memory eBay seller behind a real HTTP server: OAuth tokens, the Inventory API (inventory items, offers,
/// <c>bulk_update_price_quantity</c>), the Fulfillment API's orders, the Account API's opted-in programs, the
/// Notification API's public keys, and <c>ORDER_CONFIRMATION</c> notifications, one per line item, ECDSA-signed,
/// sometimes repeated and sometimes lost. eBay's limits are enforced: 250 revisions per listing per calendar day, a
/// daily call quota, one SKU per bulk update; and a seller without Out-of-Stock Control loses a variation that reaches 0.
/// </summary>
public sealed partial class EbaySimulator : IAsyncDisposable
{
    public const string OrderConfirmation = "ORDER_CONFIRMATION";

    private readonly Lock _gate = new();
    private readonly WebApplication _app;
    private readonly TimeProvider _time;
    private readonly TimeZoneInfo _zone;
    private readonly WebhookSender _webhooks;
    private readonly SeededIds _ids;
    private readonly Random _fates;
    private readonly ECDsa _signingKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly Dictionary<string, EbayItem> _items = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EbayOrder> _orders = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Listing, DateOnly Day), int> _revisions = [];
    private readonly Dictionary<string, DateTimeOffset> _accessTokens = new(StringComparer.Ordinal);
    private readonly Dictionary<DateOnly, int> _calls = [];
    private long _nextOrder;
    private long _nextLine;
    private long _nextOffer;
    private int _revisionsRefused;
    private int _bulkUpdates;

    private EbaySimulator(EbaySimulatorOptions options, TimeProvider time, ILogger logger, WebApplication app, Uri baseUrl)
    {
        Options = options;
        _time = time;
        _zone = TimeZoneInfo.FindSystemTimeZoneById(options.CalendarTimeZone);
        _ids = new SeededIds(options.Seed);
        _fates = new Random(options.Seed ^ 0xEBA7);
        _nextOrder = _ids.NextStart(10_000_000, 1_000_000);
        _nextLine = _ids.NextStart(10_000_000_000, 1_000_000_000);
        _nextOffer = _ids.NextStart(8_000_000_000, 100_000_000);
        KeyId = _ids.NextGuid().ToString();
        _webhooks = new WebhookSender(time, options.WebhookTimeout, () => Options.WebhookRetryDelays, logger);
        _app = app;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public EbaySimulatorOptions Options { get; }

    /// <summary>The <c>kid</c> of the key notifications are signed with, served at <c>/commerce/notification/v1/public_key/{kid}</c>.</summary>
    public string KeyId { get; }

    /// <summary>Revisions refused because the listing had used its day's revisions.</summary>
    public int RevisionsRefused => Volatile.Read(ref _revisionsRefused);

    /// <summary><c>bulk_update_price_quantity</c> calls answered (whatever their items' outcome).</summary>
    public int BulkUpdates => Volatile.Read(ref _bulkUpdates);

    /// <summary>Every notification delivery attempt so far.</summary>
    public IReadOnlyList<WebhookAttempt> Deliveries => _webhooks.Attempts;

    /// <summary>Raised after a revision changed a SKU's quantity (for latency measurement).</summary>
    public event Action<string, int>? QuantityRevised;

    public static async Task<EbaySimulator> StartAsync(EbaySimulatorOptions options, TimeProvider timeProvider, ILoggerFactory? loggerFactory = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        EbaySimulator? simulator = null;
        var (app, baseUrl) = await SimulatorHost.StartAsync(context => simulator!.HandleAsync(context), loggerFactory, ct);
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<EbaySimulator>();
        simulator = new EbaySimulator(options, timeProvider, logger, app, baseUrl);
        return simulator;
    }

    /// <summary>Lists a SKU as a published fixed-price offer on <paramref name="listingId"/>; several SKUs on one listing
    /// make a multi-variation listing, which shares one day's revisions.</summary>
    /// <param name="price">The offer's unit price in <see cref="EbaySimulatorOptions.Currency"/>; unset,
    /// <see cref="EbaySimulatorOptions.DefaultPrice"/>.</param>
    public void AddItem(string sku, string listingId, int quantity, string? title = null, decimal? price = null)
    {
        lock (_gate)
        {
            _items[sku] = new EbayItem(sku, title ?? sku, listingId, (_nextOffer++).ToString(CultureInfo.InvariantCulture)) { ShipTo = quantity, Available = quantity, Price = price ?? Options.DefaultPrice };
        }
    }

    /// <summary>The seller revises the offer's price: orders placed from now on carry it.</summary>
    public void SetPrice(string sku, decimal price)
    {
        lock (_gate)
        {
            Item(sku).Price = price;
        }
    }

    /// <summary>A markdown sale on the SKU's listing: <paramref name="percent"/> off its line items' cost from now on
    /// (eBay shows it in <c>appliedPromotions</c> and <c>discountedLineItemCost</c>); 0 ends it.</summary>
    public void SetMarkdown(string sku, decimal percent)
    {
        lock (_gate)
        {
            Item(sku).MarkdownPercent = percent;
        }
    }

    /// <summary>What a buyer sees: the smaller of the item's ship-to-home quantity and the offer's available quantity;
    /// 0 for a variation eBay removed.</summary>
    public int GetShown(string sku)
    {
        lock (_gate)
        {
            return Item(sku).Shown;
        }
    }

    public (int ShipTo, int Available, bool Removed) GetQuantities(string sku)
    {
        lock (_gate)
        {
            var item = Item(sku);
            return (item.ShipTo, item.Available, item.Removed);
        }
    }

    /// <summary>Revisions of the listing in eBay's current calendar day.</summary>
    public int RevisionsToday(string listingId)
    {
        lock (_gate)
        {
            return _revisions.GetValueOrDefault((listingId, Today()));
        }
    }

    /// <summary>API calls counted against today's quota.</summary>
    public int CallsToday
    {
        get
        {
            lock (_gate)
            {
                return _calls.GetValueOrDefault(Today());
            }
        }
    }

    /// <summary>A buyer completes checkout: the lines' quantities come off the listings, and one ORDER_CONFIRMATION per
    /// line item is sent unless drawn lost (or <paramref name="fate"/> says), some twice.</summary>
    public async Task<EbayOrderResult> PlaceOrderAsync(IReadOnlyList<(string Sku, int Quantity)> lines, NotificationFate? fate = null, CancellationToken ct = default)
    {
        var order = CreateOrder(lines);
        var sent = new List<HttpStatusCode>();
        foreach (var line in order.LineItemIds)
        {
            var drawn = fate ?? DrawFate();
            if (drawn == NotificationFate.Lost)
            {
                continue;
            }

            sent.Add(await NotifyAsync(order.OrderId, line, ct));
            if (drawn == NotificationFate.Repeated)
            {
                sent.Add(await NotifyAsync(order.OrderId, line, ct));
            }
        }

        return new EbayOrderResult(order.OrderId, order.LineItemIds, sent);
    }

    /// <summary>A completed checkout nobody is told about (the contract suite delivers it itself).</summary>
    public EbayOrderSummary CreateOrder(IReadOnlyList<(string Sku, int Quantity)> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        lock (_gate)
        {
            foreach (var (sku, quantity) in lines)
            {
                if (Item(sku).Shown < quantity)
                {
                    throw new InvalidOperationException($"{sku} shows {Item(sku).Shown}; a buyer cannot check out {quantity}.");
                }
            }

            var now = _time.GetUtcNow();
            var order = new EbayOrder(OrderIdFrom(_nextOrder++), now) { LastModified = now };
            foreach (var (sku, quantity) in lines)
            {
                var item = Item(sku);
                item.ShipTo -= quantity;
                item.Available -= quantity;
                RemoveIfSoldOut(item);
                var cost = item.Price * quantity;
                order.Lines.Add(new EbayLine((_nextLine++).ToString(CultureInfo.InvariantCulture), sku, item.ListingId, quantity, item.Title, cost, decimal.Round(cost * item.MarkdownPercent / 100, 2)));
            }

            _orders[order.OrderId] = order;
            return new EbayOrderSummary(order.OrderId, [.. order.Lines.Select(l => l.LineItemId)]);
        }
    }

    /// <summary>The seller cancels the order: its cancel state becomes CANCELED, its last-modified date moves, and eBay
    /// puts the units back on the listings.</summary>
    public void CancelOrder(string orderId)
    {
        lock (_gate)
        {
            var order = _orders[orderId];
            if (order.CancelState == "CANCELED")
            {
                return;
            }

            order.CancelState = "CANCELED";
            order.CancelledAt = order.LastModified = _time.GetUtcNow();
            foreach (var line in order.Lines)
            {
                var item = Item(line.Sku);
                if (!item.Removed)
                {
                    item.ShipTo += line.Quantity;
                    item.Available += line.Quantity;
                }
            }
        }
    }

    /// <summary>Sends the ORDER_CONFIRMATION of one line item (a new notification id each time, as a repeat is).</summary>
    public Task<HttpStatusCode> NotifyAsync(string orderId, string lineItemId, CancellationToken ct = default)
    {
        if ((Options.DeliverTo ?? Options.NotificationUrl) is not { } address)
        {
            return Task.FromResult((HttpStatusCode)0);
        }

        var body = NotificationBody(orderId, lineItemId);
        var header = SignatureHeader(body);
        var notificationId = (string)JsonNode.Parse(body)!["notification"]!["notificationId"]!;
        return _webhooks.SendAsync(new OutgoingWebhook(notificationId, OrderConfirmation, address, body, _ => [new("X-EBAY-SIGNATURE", header)]), ct);
    }

    /// <summary>The exact bytes of an ORDER_CONFIRMATION for a line item, as eBay would post them.</summary>
    public byte[] NotificationBody(string orderId, string lineItemId)
    {
        lock (_gate)
        {
            var order = _orders[orderId];
            var line = order.Lines.Single(l => l.LineItemId == lineItemId);
            var now = _time.GetUtcNow();
            return SimulatorJson.ToUtf8(new JsonObject
            {
                ["metadata"] = new JsonObject { ["topic"] = OrderConfirmation, ["schemaVersion"] = "1.0", ["deprecated"] = false },
                ["notification"] = new JsonObject
                {
                    ["notificationId"] = _ids.NextGuid() + "_" + _ids.NextGuid(),
                    ["eventDate"] = Time(order.Created),
                    ["publishDate"] = Time(now),
                    ["publishAttemptCount"] = 1,
                    ["data"] = new JsonObject
                    {
                        ["orderId"] = orderId,
                        ["lineItemId"] = lineItemId,
                        ["legacyItemId"] = line.ListingId,
                        ["sku"] = line.Sku,
                        ["sellerUserName"] = Options.SellerUserName,
                    },
                },
            });
        }
    }

    /// <summary><c>X-EBAY-SIGNATURE</c>: base64 of <c>{"alg":"ecdsa","kid",...,"signature","digest":"SHA256"}</c>, the
    /// signature an ASN.1 DER ECDSA signature over the raw body. With <paramref name="forge"/>, signed by another key
    /// under the same kid.</summary>
    public string SignatureHeader(byte[] body, bool forge = false)
    {
        ArgumentNullException.ThrowIfNull(body);
        byte[] signature;
        if (forge)
        {
            using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            signature = other.SignData(body, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        else
        {
            lock (_gate)
            {
                signature = _signingKey.SignData(body, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
            }
        }

        var header = new JsonObject { ["alg"] = "ecdsa", ["kid"] = KeyId, ["signature"] = Convert.ToBase64String(signature), ["digest"] = "SHA256" };
        return Convert.ToBase64String(SimulatorJson.ToUtf8(header));
    }

    /// <summary>The endpoint validation eBay runs when a destination is created: <c>GET {endpoint}?challenge_code=...</c>,
    /// passed when the answer's <c>challengeResponse</c> is the SHA-256 hex of code, verification token and endpoint URL.</summary>
    public async Task<bool> ValidateEndpointAsync(CancellationToken ct = default)
    {
        var endpoint = Options.NotificationUrl ?? throw new InvalidOperationException("No notification URL is registered.");
        string code;
        lock (_gate)
        {
            code = _ids.NextGuid().ToString();
        }

        var target = new UriBuilder(Options.DeliverTo ?? endpoint) { Query = "challenge_code=" + Uri.EscapeDataString(code) }.Uri;
        using var http = new HttpClient { Timeout = Options.WebhookTimeout };
        using var response = await http.GetAsync(target, ct);
        if (!response.IsSuccessStatusCode)
        {
            return false;
        }

        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct));
        var expected = ChallengeResponse(code, Options.VerificationToken, endpoint.OriginalString);
        return answer?["challengeResponse"] is JsonValue value && value.TryGetValue<string>(out var given) && given == expected;
    }

    public static string ChallengeResponse(string challengeCode, string verificationToken, string endpoint) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(challengeCode + verificationToken + endpoint)));

    public Task WhenDeliveriesSettledAsync() => _webhooks.WhenSettledAsync();

    public async ValueTask DisposeAsync()
    {
        await _webhooks.DisposeAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _signingKey.Dispose();
    }

    private NotificationFate DrawFate()
    {
        lock (_gate)
        {
            var draw = _fates.NextDouble();
            return draw < Options.LostNotificationShare ? NotificationFate.Lost
                : draw < Options.LostNotificationShare + Options.RepeatedNotificationShare ? NotificationFate.Repeated
                : NotificationFate.Delivered;
        }
    }

    /// <summary>Without Out-of-Stock Control a variation at 0 is taken off its listing for good.</summary>
    private void RemoveIfSoldOut(EbayItem item)
    {
        if (!Options.OutOfStockControl && item.Shown <= 0)
        {
            item.Removed = true;
        }
    }

    private EbayItem Item(string sku) =>
        _items.TryGetValue(sku, out var item) ? item : throw new KeyNotFoundException($"No inventory item {sku}.");

    private DateOnly Today() => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(_time.GetUtcNow(), _zone).DateTime);

    private static string OrderIdFrom(long n) =>
        string.Create(CultureInfo.InvariantCulture, $"{n / 100_000 % 100:D2}-{n % 100_000:D5}-{n * 7 % 100_000:D5}");

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private sealed class EbayItem(string sku, string title, string listingId, string offerId)
    {
        public string Sku { get; } = sku;

        public string Title { get; } = title;

        public string ListingId { get; } = listingId;

        public string OfferId { get; } = offerId;

        public int ShipTo { get; set; }

        public int Available { get; set; }

        public bool Removed { get; set; }

        public decimal Price { get; set; }

        public decimal MarkdownPercent { get; set; }

        public int Shown => Removed ? 0 : Math.Max(0, Math.Min(ShipTo, Available));
    }

    private sealed class EbayOrder(string orderId, DateTimeOffset created)
    {
        public string OrderId { get; } = orderId;

        public DateTimeOffset Created { get; } = created;

        public DateTimeOffset LastModified { get; set; }

        public string CancelState { get; set; } = "NONE_REQUESTED";

        public DateTimeOffset? CancelledAt { get; set; }

        public List<EbayLine> Lines { get; } = [];
    }

    /// <param name="Cost">Unit price × quantity, before discounts (<c>lineItemCost</c>).</param>
    /// <param name="Discount">The markdown promotion's amount off the line, 0 without one.</param>
    private sealed record EbayLine(string LineItemId, string Sku, string ListingId, int Quantity, string Title, decimal Cost, decimal Discount);
}

/// <summary>What becomes of one line item's ORDER_CONFIRMATION.</summary>
public enum NotificationFate
{
    Delivered,
    Lost,
    Repeated,
}

/// <param name="Notifications">The receiver's answers, one per notification sent.</param>
public sealed record EbayOrderResult(string OrderId, IReadOnlyList<string> LineItemIds, IReadOnlyList<HttpStatusCode> Notifications);

public sealed record EbayOrderSummary(string OrderId, IReadOnlyList<string> LineItemIds);

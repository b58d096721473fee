using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FuncSync.Simulators.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FuncSync.Simulators.Square;

/// <summary>
/// An in-memory Square seller behind a real HTTP server: the Inventory API's batch-create and batch-retrieve, the
/// catalog's item variations, the Orders API's retrieve, Square's error shape and 429s, and signed webhooks
/// (<c>inventory.count.updated</c>, <c>order.created</c>, <c>order.updated</c>) retried on Square's schedule. The
/// register's own behaviour is here too: a sale rung up in the POS app fires only <c>inventory.count.updated</c>, a
/// sale made offline is uploaded later with the time it happened, and a count edited at the register overrides what
/// came before it.
/// </summary>
public sealed partial class SquareSimulator : IAsyncDisposable
{
    private const string CountUpdated = "inventory.count.updated";

    // Square's source products (SourceApplication.product) as its change log names them.
    private const string PointOfSale = "SQUARE_POS";
    private const string PointOfSaleName = "Square Point of Sale";
    private const string OnlineStore = "ONLINE_STORE";
    private const string ExternalApi = "EXTERNAL_API";
    private const string Dashboard = "DASHBOARD";

    private readonly Lock _gate = new();
    private readonly WebApplication _app;
    private readonly TimeProvider _time;
    private readonly SquareStore _store = new();
    private readonly WebhookSender _webhooks;
    private readonly Random _ids;
    private readonly Random _faults;
    private readonly List<(string Variation, string Location, int Quantity, DateTimeOffset SoldAt)> _offline = [];
    private readonly Dictionary<string, (string Request, int Status, string Response)> _idempotency = new(StringComparer.Ordinal);
    private int _rateLimitNext;
    private int _rateLimited;
    private int _changeRequests;
    private int _changesApplied;

    private SquareSimulator(SquareSimulatorOptions options, TimeProvider time, ILogger logger, Func<SquareSimulator, (WebApplication App, Uri BaseUrl)> start)
    {
        Options = options;
        _time = time;
        _ids = new Random(options.Seed);
        _faults = new Random(options.Seed ^ 0x5EED);
        _webhooks = new WebhookSender(time, options.WebhookTimeout, () => Options.WebhookRetryDelays, logger);
        (_app, BaseUrl) = start(this);
    }

    public Uri BaseUrl { get; }

    public SquareSimulatorOptions Options { get; }

    /// <summary>Requests answered 429 RATE_LIMITED.</summary>
    public int RateLimited => Volatile.Read(ref _rateLimited);

    /// <summary>batch-create calls that changed inventory (a repeated idempotency key changes nothing and is not counted).</summary>
    public int ChangeRequests => Volatile.Read(ref _changeRequests);

    /// <summary>Changes applied through batch-create.</summary>
    public int ChangesApplied => Volatile.Read(ref _changesApplied);

    /// <summary>Every delivery attempt so far, first tries and retries, in the order they were answered.</summary>
    public IReadOnlyList<WebhookAttempt> Deliveries => _webhooks.Attempts;

    /// <summary>Retries scheduled so far (each waits on the simulator's clock).</summary>
    public int ScheduledRetries => _webhooks.ScheduledRetries;

    /// <summary>Raised after each batch-create that changed counts, once per count (for latency measurement).</summary>
    public event Action<SquareCountChanged>? CountChanged;

    public static async Task<SquareSimulator> StartAsync(SquareSimulatorOptions options, TimeProvider timeProvider, ILoggerFactory? loggerFactory = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        SquareSimulator? simulator = null;
        var (app, baseUrl) = await SimulatorHost.StartAsync(context => simulator!.HandleAsync(context), loggerFactory, ct);
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<SquareSimulator>();
        simulator = new SquareSimulator(options, timeProvider, logger, _ => (app, baseUrl));
        return simulator;
    }

    /// <summary>Adds an item with one variation, counted at <paramref name="counts"/> per location (a physical count
    /// made an hour ago, so that anything done now comes after it).</summary>
    /// <param name="price">The variation's price in <see cref="SquareSimulatorOptions.Currency"/> (24.00 when not given).</param>
    public void AddVariation(string variationId, string sku, string name, IReadOnlyDictionary<string, int> counts, bool trackInventory = true, decimal? price = null)
    {
        ArgumentNullException.ThrowIfNull(counts);
        lock (_gate)
        {
            _store.Add(new SquareVariation(variationId, "I" + variationId, name, "Regular", sku, trackInventory)
            {
                PriceMinor = price is { } p ? ToMinor(p) : SquareVariationDefaults.PriceMinor,
            });
            var countedAt = _time.GetUtcNow().AddHours(-1);
            foreach (var (location, quantity) in counts)
            {
                _store.Record(variationId, RequireLocation(location), countedAt, isCount: true, quantity, SquareChangeOrigin.Counted(Dashboard, "Square Dashboard"), NewId(26), countedAt);
            }
        }
    }

    /// <summary>The variation's price from now on (orders already made keep theirs).</summary>
    public void SetVariationPrice(string variationId, decimal price)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(price);
        lock (_gate)
        {
            Variation(variationId).PriceMinor = ToMinor(price);
        }
    }

    /// <summary>A variation with no SKU or one nobody mapped, as sellers add at the register.</summary>
    public void AddUnmappedVariation(string variationId, string? sku, string name) => AddVariation(variationId, sku ?? string.Empty, name, new Dictionary<string, int>());

    public int GetCount(string variationId, string locationId)
    {
        lock (_gate)
        {
            return (int)_store.Count(variationId, locationId);
        }
    }

    /// <summary>Turns inventory tracking off or on for a variation (everywhere, or at one location).</summary>
    public void SetTrackInventory(string variationId, bool track, string? locationId = null)
    {
        lock (_gate)
        {
            var variation = Variation(variationId);
            if (locationId is null)
            {
                variation.TrackInventory = track;
            }
            else
            {
                var current = variation.Overrides.GetValueOrDefault(locationId);
                variation.Overrides[locationId] = (track, current.SoldOutByHand);
            }

            variation.Version++;
        }
    }

    /// <summary>The seller marks the variation sold out at a location by hand, whatever its count.</summary>
    public void MarkSoldOut(string variationId, string locationId, bool soldOut = true)
    {
        lock (_gate)
        {
            var variation = Variation(variationId);
            var current = variation.Overrides.GetValueOrDefault(locationId);
            variation.Overrides[locationId] = (current.TrackInventory, soldOut);
            variation.Version++;
        }
    }

    /// <summary>Answers the next <paramref name="count"/> API requests with 429 RATE_LIMITED.</summary>
    public void RateLimitNext(int count) => Interlocked.Add(ref _rateLimitNext, count);

    /// <summary>A sale rung up in the Square POS app: the count moves to SOLD and only <c>inventory.count.updated</c>
    /// fires (the POS app publishes no order webhooks). Answers the first delivery's status.</summary>
    public Task<HttpStatusCode> SellAtRegisterAsync(string variationId, string locationId, int quantity = 1, CancellationToken ct = default)
    {
        lock (_gate)
        {
            Variation(variationId);
            var now = _time.GetUtcNow();
            _store.Record(variationId, RequireLocation(locationId), now, isCount: false, -quantity, RegisterSale(variationId, locationId, quantity, now), NewId(26), now);
        }

        return SendCountUpdatedAsync([(variationId, locationId)], ct);
    }

    /// <summary>A sale rung up while the register is offline: nothing reaches Square until <see cref="UploadOfflineSalesAsync"/>.</summary>
    public void SellOffline(string variationId, string locationId, int quantity = 1)
    {
        lock (_gate)
        {
            Variation(variationId);
            _offline.Add((variationId, RequireLocation(locationId), quantity, _time.GetUtcNow()));
        }
    }

    /// <summary>The register reconnects: its offline sales reach Square with the times they were made, and each count
    /// they moved fires <c>inventory.count.updated</c>.</summary>
    public async Task<IReadOnlyList<HttpStatusCode>> UploadOfflineSalesAsync(CancellationToken ct = default)
    {
        List<(string, string)> moved;
        lock (_gate)
        {
            // Square keeps when each sale happened (occurred_at) and when it heard of it (created_at, now).
            var now = _time.GetUtcNow();
            foreach (var (variation, location, quantity, soldAt) in _offline)
            {
                _store.Record(variation, location, soldAt, isCount: false, -quantity, RegisterSale(variation, location, quantity, soldAt), NewId(26), now);
            }

            moved = [.. _offline.Select(s => (s.Variation, s.Location)).Distinct()];
            _offline.Clear();
        }

        var statuses = new List<HttpStatusCode>();
        foreach (var pair in moved)
        {
            statuses.Add(await SendCountUpdatedAsync([pair], ct));
        }

        return statuses;
    }

    /// <summary>The seller counts the shelf at the register: a physical count, effective now.</summary>
    public Task<HttpStatusCode> CountAtRegisterAsync(string variationId, string locationId, int quantity, CancellationToken ct = default)
    {
        lock (_gate)
        {
            Variation(variationId);
            var now = _time.GetUtcNow();
            _store.Record(variationId, RequireLocation(locationId), now, isCount: true, quantity, SquareChangeOrigin.Counted(PointOfSale, PointOfSaleName), NewId(26), now);
        }

        return SendCountUpdatedAsync([(variationId, locationId)], ct);
    }

    /// <summary>An online order made through the Orders API (Square Online, an integration). A draft fires only
    /// <c>order.created</c> in state DRAFT and moves no stock; an open order also moves its lines to SOLD and fires
    /// <c>inventory.count.updated</c> for them, as automatic inventory tracking does.</summary>
    public async Task<SquareOrderResult> PlaceOnlineOrderAsync(IReadOnlyList<(string VariationId, int Quantity)> lines, string? locationId = null, bool draft = false, CancellationToken ct = default)
    {
        var order = NewOrder(lines, locationId, draft);
        var status = await SendOrderEventAsync(order, "order.created", ct);
        if (!draft)
        {
            await SendCountUpdatedAsync([.. order.Lines.Select(l => (l.CatalogObjectId, order.LocationId)).Distinct()], ct);
        }

        return new SquareOrderResult(order.Id, status);
    }

    /// <summary>An open online order that takes its stock with no notification sent: a test delivers the notification
    /// itself. Returns the order id.</summary>
    public string CreateOnlineOrder(IReadOnlyList<(string VariationId, int Quantity)> lines, string? locationId = null) =>
        NewOrder(lines, locationId, draft: false).Id;

    /// <summary>The buyer completes checkout of a draft: it becomes OPEN (<c>order.updated</c>) and takes its stock.</summary>
    public async Task<HttpStatusCode> OpenDraftAsync(string orderId, CancellationToken ct = default)
    {
        SquareOrder order;
        lock (_gate)
        {
            order = _store.FindOrder(orderId) ?? throw new ArgumentException($"No order {orderId}.", nameof(orderId));
            if (order.State != "DRAFT")
            {
                throw new InvalidOperationException($"Order {orderId} is {order.State}, not a draft.");
            }

            order.State = "OPEN";
            order.Version++;
            order.UpdatedAt = _time.GetUtcNow();
            Take(order, order.UpdatedAt);
        }

        var status = await SendOrderEventAsync(order, "order.updated", ct);
        await SendCountUpdatedAsync([.. order.Lines.Select(l => (l.CatalogObjectId, order.LocationId)).Distinct()], ct);
        return status;
    }

    /// <summary>Waits until no webhook retry is pending.</summary>
    public Task WhenDeliveriesSettledAsync() => _webhooks.WhenSettledAsync();

    /// <summary>Square's signature of a delivery: base64 HMAC-SHA256, keyed with the subscription's signature key, over
    /// the notification URL followed by the raw body.</summary>
    public static string Sign(string signatureKey, string notificationUrl, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(signatureKey);
        ArgumentNullException.ThrowIfNull(notificationUrl);
        var url = Encoding.UTF8.GetBytes(notificationUrl);
        var message = new byte[url.Length + body.Length];
        url.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(url.Length));
        return Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(signatureKey), message));
    }

    public async ValueTask DisposeAsync()
    {
        await _webhooks.DisposeAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private SquareOrder NewOrder(IReadOnlyList<(string VariationId, int Quantity)> lines, string? locationId, bool draft)
    {
        ArgumentNullException.ThrowIfNull(lines);
        lock (_gate)
        {
            var location = RequireLocation(locationId ?? Options.LocationIds[0]);
            var now = _time.GetUtcNow();
            var orderLines = lines.Select(l => new SquareOrderLine(NewId(22), l.VariationId, l.Quantity, Variation(l.VariationId).ItemName, Variation(l.VariationId).PriceMinor)).ToList();
            var order = new SquareOrder(NewId(27), location, now, orderLines) { State = draft ? "DRAFT" : "OPEN" };
            _store.AddOrder(order);
            if (!draft)
            {
                Take(order, now);
            }

            return order;
        }
    }

    private void Take(SquareOrder order, DateTimeOffset at)
    {
        foreach (var line in order.Lines)
        {
            // Automatic inventory tracking moves the line to SOLD, naming the order as the transaction.
            var origin = new SquareChangeOrigin(OnlineStore, "Square Online", null, "IN_STOCK", "SOLD") { TransactionId = order.Id };
            _store.Record(line.CatalogObjectId, order.LocationId, at, isCount: false, -line.Quantity, origin, NewId(26), _time.GetUtcNow());
        }
    }

    /// <summary>A sale rung up in the Point of Sale app: to SOLD, from the POS product, with the POS's own order id (an
    /// order no order notification announces, completed at the register, readable in the Orders API). Callers hold the
    /// lock.</summary>
    private SquareChangeOrigin RegisterSale(string variationId, string locationId, int quantity, DateTimeOffset soldAt)
    {
        var variation = Variation(variationId);
        var order = new SquareOrder(NewId(27), locationId, soldAt, [new SquareOrderLine(NewId(22), variationId, quantity, variation.ItemName, variation.PriceMinor)])
        {
            State = "COMPLETED",
            SourceName = PointOfSaleName,
        };
        _store.AddOrder(order);
        return new(PointOfSale, PointOfSaleName, null, "IN_STOCK", "SOLD") { TransactionId = order.Id };
    }

    private static long ToMinor(decimal price) => (long)Math.Round(price * 100m, MidpointRounding.AwayFromZero);

    private SquareVariation Variation(string id) => _store.Find(id) ?? throw new ArgumentException($"No item variation {id}.", nameof(id));

    private string RequireLocation(string location) =>
        Options.LocationIds.Contains(location, StringComparer.Ordinal) ? location : throw new ArgumentException($"No location {location}.", nameof(location));

    /// <summary>Square's ids are upper-case letters and digits; drawn from the seed. Callers hold the lock.</summary>
    private string NewId(int length)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        return string.Create(length, _ids, static (span, random) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = Alphabet[random.Next(Alphabet.Length)];
            }
        });
    }

    private Guid NewGuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        _ids.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    private Task<HttpStatusCode> SendCountUpdatedAsync(IReadOnlyList<(string Variation, string Location)> moved, CancellationToken ct)
    {
        JsonObject payload;
        lock (_gate)
        {
            var counts = SimulatorJson.Array(moved.Select(m => (JsonNode)CountJson(m.Variation, m.Location)));
            payload = Envelope(CountUpdated, new JsonObject
            {
                ["type"] = "inventory_counts",
                ["id"] = NewGuid().ToString(),
                ["object"] = new JsonObject { ["inventory_counts"] = counts },
            });
        }

        return SendAsync(CountUpdated, payload, ct);
    }

    private Task<HttpStatusCode> SendOrderEventAsync(SquareOrder order, string topic, CancellationToken ct)
    {
        JsonObject payload;
        lock (_gate)
        {
            var summary = new JsonObject
            {
                ["order_id"] = order.Id,
                ["version"] = order.Version,
                ["location_id"] = order.LocationId,
                ["state"] = order.State,
                ["created_at"] = Time(order.CreatedAt),
            };
            if (topic == "order.updated")
            {
                summary["updated_at"] = Time(order.UpdatedAt);
            }

            payload = Envelope(topic, new JsonObject
            {
                ["type"] = "order",
                ["id"] = order.Id,
                ["object"] = new JsonObject { [topic == "order.created" ? "order_created" : "order_updated"] = summary },
            });
        }

        return SendAsync(topic, payload, ct);
    }

    private JsonObject Envelope(string topic, JsonObject data) => new()
    {
        ["merchant_id"] = Options.MerchantId,
        ["type"] = topic,
        ["event_id"] = NewGuid().ToString(),
        ["created_at"] = Time(_time.GetUtcNow()),
        ["data"] = data,
    };

    private async Task<HttpStatusCode> SendAsync(string topic, JsonObject payload, CancellationToken ct)
    {
        if (Options.NotificationUrl is not { } url)
        {
            return 0;
        }

        var body = SimulatorJson.ToUtf8(payload);
        var eventId = (string)payload["event_id"]!;
        var signature = Sign(Options.SignatureKey, url.OriginalString, body);
        var firstAt = Time(_time.GetUtcNow());
        return await _webhooks.SendAsync(
            new OutgoingWebhook(eventId, topic, Options.DeliverTo ?? url, body, attempt =>
            [
                new("x-square-hmacsha256-signature", signature),
                new("square-environment", "Production"),
                new("square-initial-delivery-timestamp", firstAt),
                .. attempt > 0 ? [new KeyValuePair<string, string>("square-retry-number", attempt.ToString(CultureInfo.InvariantCulture))] : Array.Empty<KeyValuePair<string, string>>(),
            ]),
            ct);
    }

    private JsonObject CountJson(string variation, string location) => new()
    {
        ["catalog_object_id"] = variation,
        ["catalog_object_type"] = "ITEM_VARIATION",
        ["state"] = "IN_STOCK",
        ["location_id"] = location,
        ["quantity"] = _store.Count(variation, location).ToString(CultureInfo.InvariantCulture),
        ["calculated_at"] = Time(_store.CalculatedAt(variation, location)),
    };

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private void RaiseCountChanged(IReadOnlyList<SquareCountChanged> changed)
    {
        foreach (var change in changed)
        {
            CountChanged?.Invoke(change);
        }
    }
}

/// <param name="WebhookStatus">The receiver's answer to order.created, or 0 when nobody was told or it did not answer.</param>
public sealed record SquareOrderResult(string OrderId, HttpStatusCode WebhookStatus);

public sealed record SquareCountChanged(string VariationId, string LocationId, int Quantity, DateTimeOffset At);

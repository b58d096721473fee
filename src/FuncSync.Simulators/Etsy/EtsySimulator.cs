using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FuncSync.Simulators.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FuncSync.Simulators.Etsy;

/// <summary>
/// An in-memory Etsy shop behind a real HTTP server speaking Open API v3: x-api-key + bearer auth, QPS/QPD limits,
/// receipts polling, listing inventory GET/PUT with Etsy's validation, and updateListing.
/// </summary>
public sealed class EtsySimulator : IAsyncDisposable
{
    private const int MinTimestamp = 946684800;

    private readonly Lock _gate = new();
    private readonly EtsyShop _shop;
    private readonly EtsyRateLimiter _limiter;
    private readonly TimeProvider _timeProvider;
    private readonly List<string> _requestLog = [];
    private readonly List<Fault> _faults = [];
    private WebApplication? _app;
    private int _rateLimitViolations;

    private EtsySimulator(EtsySimulatorOptions options, TimeProvider timeProvider)
    {
        Options = options;
        _timeProvider = timeProvider;
        _shop = new EtsyShop(options);
        _limiter = new EtsyRateLimiter(options.QueriesPerSecond, options.QueriesPerDay, timeProvider);
    }

    public Uri BaseUrl { get; private set; } = null!;

    public EtsySimulatorOptions Options { get; }

    /// <summary>Requests refused with 429 for exceeding the per-second or the per-day quota.</summary>
    public int RateLimitViolations => Volatile.Read(ref _rateLimitViolations);

    /// <summary>Every request received, as "METHOD /path?query", in arrival order (a snapshot).</summary>
    public IReadOnlyList<string> RequestLog
    {
        get
        {
            lock (_gate)
            {
                return [.. _requestLog];
            }
        }
    }

    /// <summary>Raised after each successful inventory PUT, once per product whose quantity or enabled flag changed.</summary>
    public event Action<EtsyInventoryChanged>? InventoryChanged;

    public static async Task<EtsySimulator> StartAsync(
        EtsySimulatorOptions options, TimeProvider timeProvider, ILoggerFactory? loggerFactory = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var simulator = new EtsySimulator(options, timeProvider);
        (simulator._app, simulator.BaseUrl) = await SimulatorHost.StartAsync(simulator.HandleAsync, loggerFactory, ct);
        return simulator;
    }

    public void AddListing(long listingId, string title, IReadOnlyList<EtsySimProduct> products) =>
        _shop.AddListing(listingId, title, products, Now());

    public int GetQuantity(long listingId, string sku) => _shop.GetQuantity(listingId, sku);

    public bool IsOfferingEnabled(long listingId, string sku) => _shop.IsOfferingEnabled(listingId, sku);

    /// <summary>"active", "inactive" or "sold_out" (set by a sale that empties the listing; a later PUT does not revive it).</summary>
    public string GetListingState(long listingId) => _shop.GetListingState(listingId);

    /// <summary>A buyer checks out: null when the listing is not active or the offering is disabled or short.</summary>
    public EtsyReceiptResult? PlaceOrder(long listingId, string sku, int quantity) => _shop.PlaceOrder(listingId, sku, quantity, Now());

    /// <summary>Moves a receipt's update_timestamp to now (as a shipment or message would), for watermark tests.</summary>
    public void TouchReceipt(long receiptId) => _shop.TouchReceipt(receiptId, Now());

    /// <summary>The next <paramref name="count"/> requests matching <paramref name="match"/> answer <paramref name="status"/>.</summary>
    public void InjectFaults(Func<HttpRequest, bool> match, int count, int status)
    {
        ArgumentNullException.ThrowIfNull(match);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(status, 599);
        lock (_gate)
        {
            _faults.Add(new Fault(match, status) { Remaining = count });
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private long Now() => _timeProvider.GetUtcNow().ToUnixTimeSeconds();

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        lock (_gate)
        {
            _requestLog.Add($"{request.Method} {request.Path}{request.QueryString}");
        }

        var apiKey = request.Headers["x-api-key"].ToString();
        if (!string.Equals(apiKey, $"{Options.Keystring}:{Options.SharedSecret}", StringComparison.Ordinal))
        {
            // Since 2026-02 Etsy refuses a bare keystring with a message of its own.
            var message = string.Equals(apiKey, Options.Keystring, StringComparison.Ordinal)
                ? "Shared secret is required in x-api-key header."
                : "Invalid API key";
            await SimulatorJson.WriteAsync(context, StatusCodes.Status403Forbidden, EtsyJson.Error(message));
            return;
        }

        var decision = _limiter.TryAcquire(out var remainingThisSecond, out var remainingToday);
        if (decision != EtsyRateDecision.Allowed)
        {
            Interlocked.Increment(ref _rateLimitViolations);
            // Etsy's 429 carries none of the quota headers.
            context.Response.Headers["retry-after"] = "1";
            await SimulatorJson.WriteAsync(context, StatusCodes.Status429TooManyRequests, EtsyJson.Error(
                decision == EtsyRateDecision.PerSecondExceeded
                    ? $"You have exceeded your quota of {_limiter.PerSecond} requests per second."
                    : $"You have exceeded your quota of {_limiter.PerDay} requests per day."));
            return;
        }

        var headers = context.Response.Headers;
        if (TryTakeFault(request) is { } faultStatus)
        {
            if (faultStatus == StatusCodes.Status429TooManyRequests)
            {
                headers["retry-after"] = "1";
            }
            else if (faultStatus < 500)
            {
                AddQuotaHeaders(headers, remainingThisSecond, remainingToday);
            }

            await SimulatorJson.WriteAsync(context, faultStatus, EtsyJson.Error("Simulated fault"));
            return;
        }

        AddQuotaHeaders(headers, remainingThisSecond, remainingToday);
        if (!string.Equals(request.Headers.Authorization.ToString(), "Bearer " + Options.AccessToken, StringComparison.Ordinal))
        {
            await SimulatorJson.WriteAsync(context, StatusCodes.Status401Unauthorized, EtsyJson.Error("invalid_token"));
            return;
        }

        try
        {
            var (status, body) = await RouteAsync(context);
            await SimulatorJson.WriteAsync(context, status, body);
        }
        catch (EtsyApiException ex)
        {
            await SimulatorJson.WriteAsync(context, ex.Status, EtsyJson.Error(ex.Message));
        }
    }

    private void AddQuotaHeaders(IHeaderDictionary headers, int remainingThisSecond, int remainingToday)
    {
        headers["x-limit-per-second"] = _limiter.PerSecond.ToString(CultureInfo.InvariantCulture);
        headers["x-remaining-this-second"] = remainingThisSecond.ToString(CultureInfo.InvariantCulture);
        headers["x-limit-per-day"] = _limiter.PerDay.ToString(CultureInfo.InvariantCulture);
        headers["x-remaining-today"] = remainingToday.ToString(CultureInfo.InvariantCulture);
    }

    private int? TryTakeFault(HttpRequest request)
    {
        lock (_gate)
        {
            foreach (var fault in _faults)
            {
                if (fault.Remaining > 0 && fault.Match(request))
                {
                    fault.Remaining--;
                    return fault.Status;
                }
            }

            _faults.RemoveAll(f => f.Remaining == 0);
            return null;
        }
    }

    private async Task<(int Status, JsonNode Body)> RouteAsync(HttpContext context)
    {
        var request = context.Request;
        var segments = (request.Path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments is not ["v3", "application", .. var rest])
        {
            throw EtsyApiException.NotFound("Resource not found");
        }

        var method = request.Method;
        switch (rest)
        {
            case ["shops", var shop, "receipts"] when HttpMethods.IsGet(method):
                CheckShop(shop);
                return (StatusCodes.Status200OK, _shop.QueryReceipts(ParseReceiptQuery(request.Query)));

            case ["shops", var shop, "receipts", var receipt] when HttpMethods.IsGet(method):
                CheckShop(shop);
                return (StatusCodes.Status200OK, _shop.GetReceiptJson(PathId(receipt, "receipt_id")));

            case ["listings", var listing] when HttpMethods.IsGet(method):
                return (StatusCodes.Status200OK, _shop.GetListingJson(PathId(listing, "listing_id")));

            case ["listings", var listing, "inventory"] when HttpMethods.IsGet(method):
                // includes=Listing attaches the listing (its state among others), as Etsy's association does.
                return (StatusCodes.Status200OK, _shop.GetInventoryJson(PathId(listing, "listing_id"), string.Equals(request.Query["includes"], "Listing", StringComparison.Ordinal)));

            case ["listings", var listing, "inventory"] when HttpMethods.IsPut(method):
                {
                    var listingId = PathId(listing, "listing_id");
                    var body = await SimulatorJson.TryReadAsync(request, context.RequestAborted);
                    var (inventory, changed) = _shop.UpdateInventory(listingId, body, _timeProvider.GetUtcNow());
                    RaiseInventoryChanged(changed);
                    return (StatusCodes.Status200OK, inventory);
                }

            case ["shops", var shop, "listings", var listing] when HttpMethods.IsPatch(method):
                {
                    CheckShop(shop);
                    var listingId = PathId(listing, "listing_id");
                    var (state, title) = await ReadListingUpdateAsync(request, context.RequestAborted);
                    return (StatusCodes.Status200OK, _shop.UpdateListing(listingId, state, title, Now()));
                }

            default:
                throw EtsyApiException.NotFound("Resource not found");
        }
    }

    private void RaiseInventoryChanged(IReadOnlyList<EtsyInventoryChanged> changed)
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

    private void CheckShop(string shop)
    {
        if (PathId(shop, "shop_id") != Options.ShopId)
        {
            throw EtsyApiException.NotFound($"Could not find a shop with shop_id = {shop}");
        }
    }

    private static long PathId(string segment, string name) =>
        long.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
            ? id
            : throw EtsyApiException.BadRequest($"Expected int >= 1 for {name}");

    /// <summary>updateListing takes form-urlencoded (what Etsy documents) or JSON.</summary>
    private static async Task<(string? State, string? Title)> ReadListingUpdateAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            return (NullIfEmpty(form["state"].ToString()), NullIfEmpty(form["title"].ToString()));
        }

        var body = await SimulatorJson.TryReadAsync(request, ct) as JsonObject
            ?? throw EtsyApiException.BadRequest("Expected a form-urlencoded or JSON body.");
        return (ReadString(body, "state"), ReadString(body, "title"));

        static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

        static string? ReadString(JsonObject body, string name) => body[name] switch
        {
            null => null,
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            _ => throw EtsyApiException.BadRequest($"Expected string for {name}"),
        };
    }

    private static EtsyReceiptQuery ParseReceiptQuery(IQueryCollection query)
    {
        var limit = (int?)Int(query, "limit", 1, 100) ?? 25;
        var offset = (int?)Int(query, "offset", 0, int.MaxValue) ?? 0;
        var sortOn = query["sort_on"].ToString() switch
        {
            "" or "created" => EtsyReceiptSort.Created,
            "updated" => EtsyReceiptSort.Updated,
            "receipt_id" => EtsyReceiptSort.ReceiptId,
            var other => throw EtsyApiException.BadRequest($"sort_on must be one of created, updated, receipt_id (got '{other}')"),
        };
        var descending = query["sort_order"].ToString() switch
        {
            "" or "desc" or "descending" or "down" => true,
            "asc" or "ascending" or "up" => false,
            var other => throw EtsyApiException.BadRequest($"sort_order must be asc or desc (got '{other}')"),
        };
        return new EtsyReceiptQuery(
            Int(query, "min_created", MinTimestamp, long.MaxValue),
            Int(query, "max_created", MinTimestamp, long.MaxValue),
            Int(query, "min_last_modified", MinTimestamp, long.MaxValue),
            Int(query, "max_last_modified", MinTimestamp, long.MaxValue),
            limit, offset, sortOn, descending,
            Bool(query, "was_paid"), Bool(query, "was_shipped"), Bool(query, "was_canceled"));
    }

    private static long? Int(IQueryCollection query, string name, long min, long max)
    {
        var raw = query[name].ToString();
        if (raw.Length == 0)
        {
            return null;
        }

        return long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw EtsyApiException.BadRequest($"Expected int >= {min}{(max < long.MaxValue ? $" and <= {max}" : "")} for {name} (got '{raw}')");
    }

    private static bool? Bool(IQueryCollection query, string name) => query[name].ToString() switch
    {
        "" => null,
        "true" or "1" => true,
        "false" or "0" => false,
        var other => throw EtsyApiException.BadRequest($"Expected boolean for {name} (got '{other}')"),
    };

    private sealed class Fault(Func<HttpRequest, bool> match, int status)
    {
        public Func<HttpRequest, bool> Match { get; } = match;

        public int Status { get; } = status;

        public int Remaining { get; set; }
    }
}

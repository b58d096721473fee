using System.Globalization;
using System.Net;
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
public sealed partial class EtsySimulator : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly EtsyShop _shop;
    private readonly EtsyRateLimiter _limiter;
    private readonly TimeProvider _timeProvider;
    private readonly List<string> _requestLog = [];
    private readonly List<string> _refused = [];
    private readonly List<Fault> _faults = [];
    private readonly EtsyOAuthServer _oauth;
    private readonly HttpClient _webhookClient = new() { Timeout = TimeSpan.FromSeconds(15) };
    private WebApplication? _app;
    private int _rateLimitViolations;
    private long _nextWebhookId;

    private EtsySimulator(EtsySimulatorOptions options, TimeProvider timeProvider)
    {
        Options = options;
        _timeProvider = timeProvider;
        _shop = new EtsyShop(options);
        _limiter = new EtsyRateLimiter(options.QueriesPerSecond, options.QueriesPerDay, timeProvider);
        _oauth = new EtsyOAuthServer(options, _shop.SellerUserId, timeProvider);
    }

    /// <summary>Successful refresh_token grants.</summary>
    public int TokenRefreshes => _oauth.Refreshes;

    /// <summary>refresh_token grants refused because the token was unknown or already rotated away.</summary>
    public int RefusedTokenRefreshes => _oauth.RefusedRefreshes;

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

    /// <summary>Requests answered 400 because they broke the OpenAPI document or Etsy's validation, as
    /// "METHOD /path?query: error" (a snapshot): a test of FuncSync's own calls expects none.</summary>
    public IReadOnlyList<string> RefusedRequests
    {
        get
        {
            lock (_gate)
            {
                return [.. _refused];
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

    /// <summary>The offering's price in currency units (24.00).</summary>
    public decimal GetPrice(long listingId, string sku) => _shop.GetPriceMinor(listingId, sku) / 100m;

    /// <summary>The listing's products' SKUs, in order.</summary>
    public IReadOnlyList<string> GetSkus(long listingId) => _shop.GetSkus(listingId);

    /// <summary>"active", "inactive" or "sold_out" (set by a sale that empties the listing; a later PUT does not revive it).</summary>
    public string GetListingState(long listingId) => _shop.GetListingState(listingId);

    /// <summary>How often reactivating the listing from sold_out renewed it (a listing fee each time on Etsy).</summary>
    public int GetRenewals(long listingId) => _shop.GetRenewals(listingId);

    /// <summary>A buyer checks out: null when the listing is not active or the offering is disabled or short.</summary>
    public EtsyReceiptResult? PlaceOrder(long listingId, string sku, int quantity) => _shop.PlaceOrder(listingId, sku, quantity, Now());

    /// <summary>A buyer checks out and, when <see cref="EtsySimulatorOptions.OrderPaidWebhookUrl"/> is set, Etsy delivers
    /// ORDER_PAID there: the receipt and the delivery's HTTP status (null when no delivery was made).</summary>
    public async Task<(EtsyReceiptResult? Receipt, HttpStatusCode? Delivery)> PlaceOrderAsync(long listingId, string sku, int quantity, CancellationToken ct = default)
    {
        var receipt = PlaceOrder(listingId, sku, quantity);
        if (receipt is null || Options.OrderPaidWebhookUrl is null)
        {
            return (receipt, null);
        }

        return (receipt, await SendOrderPaidAsync(receipt.ReceiptId, ct));
    }

    /// <summary>Delivers one ORDER_PAID event for <paramref name="receiptId"/>, signed; Etsy's flat payload.</summary>
    public async Task<HttpStatusCode> SendOrderPaidAsync(long receiptId, CancellationToken ct = default)
    {
        var address = Options.OrderPaidWebhookUrl
            ?? throw new InvalidOperationException("Set EtsySimulatorOptions.OrderPaidWebhookUrl before sending ORDER_PAID.");
        var body = SimulatorJson.ToUtf8(new JsonObject
        {
            ["event_type"] = "order.paid",
            ["resource_url"] = new Uri(BaseUrl, string.Create(CultureInfo.InvariantCulture, $"v3/application/shops/{Options.ShopId}/receipts/{receiptId}")).ToString(),
            ["shop_id"] = Options.ShopId,
        });
        var webhookId = string.Create(CultureInfo.InvariantCulture, $"msg_sim{Interlocked.Increment(ref _nextWebhookId)}");
        var timestamp = Now();
        using var request = new HttpRequestMessage(HttpMethod.Post, address) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add("webhook-id", webhookId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", EtsyWebhookSigner.Sign(Options.WebhookSecret, webhookId, timestamp, body));
        using var response = await _webhookClient.SendAsync(request, ct);
        return response.StatusCode;
    }

    /// <summary>The seller cancels the order (see <see cref="EtsyShop.CancelReceipt"/>).</summary>
    public void CancelReceipt(long receiptId) => _shop.CancelReceipt(receiptId, Now());

    /// <summary>The seller marks the order shipped; the next poll by last modification sees it.</summary>
    public void ShipReceipt(long receiptId) => _shop.ShipReceipt(receiptId, Now());

    /// <summary>The seller refunds <paramref name="amount"/> (currency units) of an order without canceling it.</summary>
    public void RefundReceipt(long receiptId, decimal amount, string? reason = null, string? note = null) =>
        _shop.RefundReceipt(receiptId, (long)Math.Round(amount * 100m, MidpointRounding.AwayFromZero), reason, note, Now());

    /// <summary>Ends every OAuth access token issued so far.</summary>
    public void ExpireAccessTokens() => _oauth.ExpireAccessTokens();

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
        _webhookClient.Dispose();
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

        // The OAuth endpoints take no x-api-key or bearer: the client_id identifies the app.
        if (await TryHandleOAuthAsync(context))
        {
            return;
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
        var authorization = request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal) || !_oauth.IsValidAccessToken(authorization["Bearer ".Length..]))
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
            if (ex.Status == StatusCodes.Status400BadRequest)
            {
                lock (_gate)
                {
                    _refused.Add($"{request.Method} {request.Path}{request.QueryString}: {ex.Message}");
                }
            }

            await SimulatorJson.WriteAsync(context, ex.Status, EtsyJson.Error(ex.Message));
        }
    }

    private async Task<bool> TryHandleOAuthAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "";
        try
        {
            if (HttpMethods.IsGet(request.Method) && path == "/oauth/connect")
            {
                var query = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
                context.Response.Redirect(_oauth.Authorize(query).ToString());
                return true;
            }

            if (HttpMethods.IsPost(request.Method) && path == "/v3/public/oauth/token")
            {
                if (!request.HasFormContentType)
                {
                    throw new EtsyOAuthException("invalid_request", "The token request must be application/x-www-form-urlencoded.");
                }

                var form = await request.ReadFormAsync(context.RequestAborted);
                var fields = form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
                await SimulatorJson.WriteAsync(context, StatusCodes.Status200OK, _oauth.Token(fields));
                return true;
            }
        }
        catch (EtsyOAuthException ex)
        {
            await SimulatorJson.WriteAsync(context, StatusCodes.Status400BadRequest, ex.Body);
            return true;
        }
        catch (EtsyApiException ex)
        {
            await SimulatorJson.WriteAsync(context, ex.Status, EtsyJson.Error(ex.Message));
            return true;
        }
        catch (UriFormatException ex)
        {
            await SimulatorJson.WriteAsync(context, StatusCodes.Status400BadRequest, EtsyJson.Error(ex.Message));
            return true;
        }

        return false;
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
                EtsyOperation.GetShopReceipts.Validate(request);
                CheckShop(shop);
                return (StatusCodes.Status200OK, _shop.QueryReceipts(ParseReceiptQuery(request.Query)));

            case ["shops", var shop, "receipts", var receipt] when HttpMethods.IsGet(method):
                EtsyOperation.GetShopReceipt.Validate(request);
                CheckShop(shop);
                return (StatusCodes.Status200OK, _shop.GetReceiptJson(PathId(receipt, "receipt_id")));

            case ["shops", var shop, "listings"] when HttpMethods.IsGet(method):
                CheckShop(shop);
                return (StatusCodes.Status200OK, _shop.QueryListings(EtsyListingQuery.Parse(request.Query)));

            case ["listings", var listing] when HttpMethods.IsGet(method):
                EtsyOperation.GetListing.Validate(request);
                return (StatusCodes.Status200OK, _shop.GetListingJson(PathId(listing, "listing_id")));

            case ["listings", var listing, "inventory"] when HttpMethods.IsGet(method):
                // includes=Listing attaches the listing (its state among others), as Etsy's association does.
                EtsyOperation.GetListingInventory.Validate(request);
                return (StatusCodes.Status200OK, _shop.GetInventoryJson(PathId(listing, "listing_id"), string.Equals(request.Query["includes"], "Listing", StringComparison.Ordinal)));

            case ["listings", var listing, "inventory"] when HttpMethods.IsPut(method):
                {
                    EtsyOperation.UpdateListingInventory.Validate(request);
                    var listingId = PathId(listing, "listing_id");
                    var body = await SimulatorJson.TryReadAsync(request, context.RequestAborted);
                    var (inventory, changed) = _shop.UpdateInventory(listingId, body, _timeProvider.GetUtcNow());
                    RaiseInventoryChanged(changed);
                    return (StatusCodes.Status200OK, inventory);
                }

            case ["shops", var shop, "listings", var listing] when HttpMethods.IsPatch(method):
                {
                    EtsyOperation.UpdateListing.Validate(request);
                    CheckShop(shop);
                    var listingId = PathId(listing, "listing_id");
                    var form = await request.ReadFormAsync(context.RequestAborted);
                    return (StatusCodes.Status200OK, _shop.UpdateListing(listingId, NullIfEmpty(form["state"].ToString()), NullIfEmpty(form["title"].ToString()), Now()));
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

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    /// <summary>The query has passed <see cref="EtsyOperation.GetShopReceipts"/>: every value present is well-formed.</summary>
    private static EtsyReceiptQuery ParseReceiptQuery(IQueryCollection query)
    {
        long? Int(string name) => query.TryGetValue(name, out var raw) ? long.Parse(raw.ToString(), CultureInfo.InvariantCulture) : null;
        bool? Bool(string name) => query.TryGetValue(name, out var raw) ? raw.ToString() is "true" or "1" : null;

        var sortOn = query["sort_on"].ToString() switch
        {
            "updated" => EtsyReceiptSort.Updated,
            "receipt_id" => EtsyReceiptSort.ReceiptId,
            _ => EtsyReceiptSort.Created,
        };
        var descending = query["sort_order"].ToString() is not ("asc" or "ascending" or "up");
        return new EtsyReceiptQuery(
            Int("min_created"), Int("max_created"), Int("min_last_modified"), Int("max_last_modified"),
            (int)(Int("limit") ?? 25), (int)(Int("offset") ?? 0), sortOn, descending,
            Bool("was_paid"), Bool("was_shipped"), Bool("was_canceled"));
    }

    private sealed class Fault(Func<HttpRequest, bool> match, int status)
    {
        public Func<HttpRequest, bool> Match { get; } = match;

        public int Status { get; } = status;

        public int Remaining { get; set; }
    }
}

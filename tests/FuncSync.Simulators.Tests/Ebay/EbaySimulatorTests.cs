using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FuncSync.Simulators.Ebay;
using Microsoft.Extensions.Time.Testing;

namespace FuncSync.Simulators.Tests.Ebay;

/// <summary>The eBay simulator speaks eBay's paths, error shape and OAuth, enforces its per-listing daily revision
/// limit and call quota, removes a sold-out variation without Out-of-Stock Control, and signs its notifications as eBay
/// does.</summary>
public sealed class EbaySimulatorTests : IAsyncLifetime, IDisposable
{
    private const string Sku = "MUG-BLUE";
    private const string Listing = "110551234567";

    // 05:00 in California: eBay's calendar day is not UTC's.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
    private EbaySimulator _ebay = null!;
    private WebhookReceiver _receiver = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _ebay = await EbaySimulator.StartAsync(new EbaySimulatorOptions(), _time);
        _ebay.AddItem(Sku, Listing, 10);
        _receiver = await WebhookReceiver.StartAsync();
        _ebay.Options.NotificationUrl = _receiver.Url;
        _http = new HttpClient { BaseAddress = _ebay.BaseUrl };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await UserTokenAsync());
    }

    public void Dispose() => _http.Dispose();

    public async Task DisposeAsync()
    {
        await _ebay.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task Token_WrongRefreshToken_InvalidGrant()
    {
        using var response = await TokenAsync("refresh_token", "not-the-token");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_grant", (string?)(await response.Content.ReadFromJsonAsync<JsonNode>())!["error"]);
    }

    [Fact]
    public async Task Api_ExpiredToken_401InEbaysErrorShape()
    {
        _time.Advance(TimeSpan.FromHours(2));

        using var response = await _http.GetAsync(new Uri("sell/inventory/v1/inventory_item/" + Sku, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonNode>())!["errors"]![0]!;
        Assert.Equal(1001, (int)error["errorId"]!);
        Assert.Equal("REQUEST", (string?)error["category"]);
    }

    [Fact]
    public async Task BulkUpdate_SetsBothLevels_BuyerSeesTheSmaller()
    {
        var offerId = await OfferIdAsync();

        var answer = await UpdateAsync(Sku, 7, offerId, 4);

        Assert.All(answer["responses"]!.AsArray(), r => Assert.Equal(200, (int)r!["statusCode"]!));
        Assert.Equal((7, 4, false), _ebay.GetQuantities(Sku));
        Assert.Equal(4, _ebay.GetShown(Sku));
        Assert.Equal(1, _ebay.RevisionsToday(Listing));
    }

    [Fact]
    public async Task BulkUpdate_TwoSkusInOneCall_RefusedAsOneSkuPerCall()
    {
        _ebay.AddItem("MUG-RED", Listing, 3);
        var body = new JsonObject
        {
            ["requests"] = new JsonArray(
                new JsonObject { ["sku"] = Sku, ["shipToLocationAvailability"] = new JsonObject { ["quantity"] = 1 } },
                new JsonObject { ["sku"] = "MUG-RED", ["shipToLocationAvailability"] = new JsonObject { ["quantity"] = 1 } }),
        };

        using var response = await _http.PostAsJsonAsync(new Uri("sell/inventory/v1/bulk_update_price_quantity", UriKind.Relative), body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(10, _ebay.GetShown(Sku));
    }

    [Fact]
    public async Task BulkUpdate_251stRevisionOfTheDay_RefusedUntilTheCalendarDayTurns()
    {
        _ebay.Options.RevisionsPerListingPerDay = 250;
        var offerId = await OfferIdAsync();
        for (var i = 0; i < 250; i++)
        {
            var ok = await UpdateAsync(Sku, 5 + (i % 2), offerId, 5 + (i % 2));
            Assert.Equal(200, (int)ok["responses"]![0]!["statusCode"]!);
        }

        var refused = await UpdateAsync(Sku, 9, offerId, 9);

        Assert.Equal(400, (int)refused["responses"]![0]!["statusCode"]!);
        Assert.Contains("250", (string?)refused["responses"]![0]!["errors"]![0]!["message"], StringComparison.Ordinal);
        Assert.Equal(1, _ebay.RevisionsRefused);
        Assert.NotEqual(9, _ebay.GetShown(Sku));

        // 01:00 UTC the next day is still 18:00 in California: a new UTC day is not a new eBay day.
        _time.Advance(TimeSpan.FromHours(13));
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await UserTokenAsync());
        Assert.Equal(400, (int)(await UpdateAsync(Sku, 9, offerId, 9))["responses"]![0]!["statusCode"]!);
        _time.Advance(TimeSpan.FromHours(6));
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await UserTokenAsync());
        Assert.Equal(200, (int)(await UpdateAsync(Sku, 9, offerId, 9))["responses"]![0]!["statusCode"]!);
        Assert.Equal(9, _ebay.GetShown(Sku));
    }

    [Fact]
    public async Task BulkUpdate_WithoutOutOfStockControl_VariationAtZeroRemovedThenSkuMismatch()
    {
        _ebay.Options.OutOfStockControl = false;
        var offerId = await OfferIdAsync();
        await UpdateAsync(Sku, 0, offerId, 0);

        var later = await UpdateAsync(Sku, 5, offerId, 5);

        Assert.Equal(400, (int)later["responses"]![0]!["statusCode"]!);
        Assert.Contains("SKU mismatch", (string?)later["responses"]![0]!["errors"]![0]!["message"], StringComparison.Ordinal);
        Assert.Equal(0, _ebay.GetShown(Sku));
    }

    [Fact]
    public async Task Api_PastTheDailyQuota_429Error2001()
    {
        _ebay.Options.DailyCallQuota = _ebay.CallsToday + 1;
        using (var ok = await _http.GetAsync(new Uri("sell/inventory/v1/inventory_item/" + Sku, UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var refused = await _http.GetAsync(new Uri("sell/inventory/v1/inventory_item/" + Sku, UriKind.Relative));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(2001, (int)(await refused.Content.ReadFromJsonAsync<JsonNode>())!["errors"]![0]!["errorId"]!);
    }

    [Fact]
    public async Task PlaceOrder_NotificationPerLine_SignedWithTheServedKey()
    {
        _ebay.AddItem("MUG-RED", "110559999999", 4);

        var order = await _ebay.PlaceOrderAsync([(Sku, 2), ("MUG-RED", 1)], NotificationFate.Delivered);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK], order.Notifications);
        Assert.Equal(8, _ebay.GetShown(Sku));
        Assert.Equal(2, _receiver.Received.Count);
        var key = (await _http.GetFromJsonAsync<JsonNode>(new Uri("commerce/notification/v1/public_key/" + _ebay.KeyId, UriKind.Relative)))!;
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(Convert.FromBase64String(((string)key["key"]!).Replace("-----BEGIN PUBLIC KEY-----", string.Empty, StringComparison.Ordinal).Replace("-----END PUBLIC KEY-----", string.Empty, StringComparison.Ordinal)), out _);
        foreach (var delivery in _receiver.Received)
        {
            var header = JsonNode.Parse(Convert.FromBase64String(delivery.Headers["X-EBAY-SIGNATURE"]))!;
            Assert.Equal(_ebay.KeyId, (string?)header["kid"]);
            Assert.True(ecdsa.VerifyData(delivery.Body, Convert.FromBase64String((string)header["signature"]!), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
            Assert.Equal(order.OrderId, (string?)JsonNode.Parse(delivery.Body)!["notification"]!["data"]!["orderId"]);
        }
    }

    [Fact]
    public async Task GetOrders_ModifiedSinceFilter_ListsTheCancelledOrderAgain()
    {
        var order = await _ebay.PlaceOrderAsync([(Sku, 3)], NotificationFate.Lost);
        _time.Advance(TimeSpan.FromMinutes(10));
        var since = _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Empty(await OrdersSinceAsync(since));

        _ebay.CancelOrder(order.OrderId);

        var listed = Assert.Single(await OrdersSinceAsync(since));
        Assert.Equal("CANCELED", (string?)listed!["cancelStatus"]!["cancelState"]);
        Assert.Equal(10, _ebay.GetShown(Sku));
        Assert.Empty(_receiver.Received);
    }

    [Fact]
    public void ChallengeResponse_IndependentlyComputedVector()
    {
        // The eBay Node SDK's test inputs; the hex computed separately with sha256sum over the concatenation.
        const string Code = "71745723-d031-455c-bfa5-f90d11b4f20a";

        Assert.Equal(
            "048de9ffd0e35021fefc0388d5c52e0f475324f582f3778ca81a53354ccbbc97",
            EbaySimulator.ChallengeResponse(Code, Code, "http://www.testendpoint.com/webhook"));
    }

    private async Task<JsonArray> OrdersSinceAsync(string since) =>
        (await _http.GetFromJsonAsync<JsonNode>(new Uri($"sell/fulfillment/v1/order?filter=lastmodifieddate:[{since}..]", UriKind.Relative)))!["orders"]!.AsArray();

    private async Task<string> OfferIdAsync() =>
        (string)(await _http.GetFromJsonAsync<JsonNode>(new Uri("sell/inventory/v1/offer?sku=" + Sku, UriKind.Relative)))!["offers"]![0]!["offerId"]!;

    private async Task<JsonNode> UpdateAsync(string sku, int shipTo, string offerId, int available)
    {
        var body = new JsonObject
        {
            ["requests"] = new JsonArray(new JsonObject
            {
                ["sku"] = sku,
                ["shipToLocationAvailability"] = new JsonObject { ["quantity"] = shipTo },
                ["offers"] = new JsonArray(new JsonObject { ["offerId"] = offerId, ["availableQuantity"] = available }),
            }),
        };
        using var response = await _http.PostAsJsonAsync(new Uri("sell/inventory/v1/bulk_update_price_quantity", UriKind.Relative), body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonNode>())!;
    }

    private async Task<string> UserTokenAsync()
    {
        using var response = await TokenAsync("refresh_token", _ebay.Options.RefreshToken);
        response.EnsureSuccessStatusCode();
        return (string)(await response.Content.ReadFromJsonAsync<JsonNode>())!["access_token"]!;
    }

    private async Task<HttpResponseMessage> TokenAsync(string grant, string refreshToken)
    {
        using var client = new HttpClient { BaseAddress = _ebay.BaseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Post, "identity/v1/oauth2/token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", grant), new("refresh_token", refreshToken)]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(_ebay.Options.ClientId + ":" + _ebay.Options.ClientSecret)));
        return await client.SendAsync(request);
    }
}

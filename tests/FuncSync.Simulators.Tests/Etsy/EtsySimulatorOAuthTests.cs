using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FuncSync.Simulators.Etsy;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Time.Testing;

namespace FuncSync.Simulators.Tests.Etsy;

/// <summary>The OAuth server, cancellations and ORDER_PAID deliveries of the Etsy simulator.</summary>
public sealed class EtsySimulatorOAuthTests : IAsyncLifetime
{
    private const long Listing = 2_000_001;
    private const string Redirect = "https://funcsync.example/api/etsy/oauth/callback";
    private const string Verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    private static readonly HttpClient Http = new(new HttpClientHandler { AllowAutoRedirect = false });

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
    private EtsySimulator _simulator = null!;

    public async Task InitializeAsync()
    {
        _simulator = await EtsySimulator.StartAsync(new EtsySimulatorOptions { QueriesPerSecond = 1000 }, _time);
        _simulator.AddListing(Listing, "Print", [new EtsySimProduct("PRINT", 5, 20m, [])]);
    }

    public async Task DisposeAsync() => await _simulator.DisposeAsync();

    [Fact]
    public async Task Token_CodeWithMatchingVerifier_IssuesTokensOnce()
    {
        var code = await AuthorizeAsync(Challenge(Verifier));

        var tokens = await TokenAsync(new() { ["grant_type"] = "authorization_code", ["code"] = code, ["code_verifier"] = Verifier, ["redirect_uri"] = Redirect });
        var again = await TokenAsync(new() { ["grant_type"] = "authorization_code", ["code"] = code, ["code_verifier"] = Verifier, ["redirect_uri"] = Redirect });

        Assert.Equal(HttpStatusCode.OK, tokens.Status);
        Assert.Equal("Bearer", (string?)tokens.Body["token_type"]);
        Assert.Equal(3600, (long)tokens.Body["expires_in"]!);
        Assert.StartsWith("12345678.", (string?)tokens.Body["access_token"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await GetInventoryAsync((string)tokens.Body["access_token"]!));
        Assert.Equal(HttpStatusCode.BadRequest, again.Status);
        Assert.Equal("invalid_grant", (string?)again.Body["error"]);
    }

    [Fact]
    public async Task Token_WrongVerifier_InvalidGrant()
    {
        var code = await AuthorizeAsync(Challenge(Verifier));

        var tokens = await TokenAsync(new() { ["grant_type"] = "authorization_code", ["code"] = code, ["code_verifier"] = Verifier.Replace('d', 'e'), ["redirect_uri"] = Redirect });

        Assert.Equal(HttpStatusCode.BadRequest, tokens.Status);
        Assert.Equal("invalid_grant", (string?)tokens.Body["error"]);
    }

    [Fact]
    public async Task Authorize_PlainChallengeMethod_Refused()
    {
        using var response = await Http.GetAsync(new Uri(_simulator.BaseUrl, $"oauth/connect?response_type=code&client_id=simkeystring&redirect_uri={Uri.EscapeDataString(Redirect)}&scope=listings_r&state=s1&code_challenge={Verifier}&code_challenge_method=plain"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Token_Refresh_RotatesAndKillsTheOldRefreshToken()
    {
        var code = await AuthorizeAsync(Challenge(Verifier));
        var first = await TokenAsync(new() { ["grant_type"] = "authorization_code", ["code"] = code, ["code_verifier"] = Verifier, ["redirect_uri"] = Redirect });
        var oldRefresh = (string)first.Body["refresh_token"]!;

        var second = await TokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = oldRefresh });
        var reused = await TokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = oldRefresh });
        var third = await TokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = (string)second.Body["refresh_token"]! });

        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.NotEqual(oldRefresh, (string?)second.Body["refresh_token"]);
        Assert.Equal(HttpStatusCode.BadRequest, reused.Status);
        Assert.Equal("invalid_grant", (string?)reused.Body["error"]);
        Assert.Equal(HttpStatusCode.OK, third.Status);
        Assert.Equal(2, _simulator.TokenRefreshes);
        Assert.Equal(1, _simulator.RefusedTokenRefreshes);
    }

    [Fact]
    public async Task AccessToken_AfterItsHour_Returns401()
    {
        var code = await AuthorizeAsync(Challenge(Verifier));
        var tokens = await TokenAsync(new() { ["grant_type"] = "authorization_code", ["code"] = code, ["code_verifier"] = Verifier, ["redirect_uri"] = Redirect });
        var access = (string)tokens.Body["access_token"]!;

        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(HttpStatusCode.OK, await GetInventoryAsync(access));
        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetInventoryAsync(access));
    }

    [Fact]
    public async Task CancelReceipt_WasCanceledFindsItButUpdateTimestampStays()
    {
        var receipt = _simulator.PlaceOrder(Listing, "PRINT", 1)!;
        var placedAt = _time.GetUtcNow().ToUnixTimeSeconds();
        _time.Advance(TimeSpan.FromMinutes(5));

        _simulator.CancelReceipt(receipt.ReceiptId);

        var canceled = await GetJsonAsync($"v3/application/shops/{_simulator.Options.ShopId}/receipts?was_canceled=true");
        var modified = await GetJsonAsync($"v3/application/shops/{_simulator.Options.ShopId}/receipts?min_last_modified={placedAt + 60}");
        var found = canceled["results"]![0]!;
        Assert.Equal(receipt.ReceiptId, (long)found["receipt_id"]!);
        Assert.Equal("Canceled", (string?)found["status"]);
        Assert.Equal(placedAt, (long)found["update_timestamp"]!);
        Assert.Single(found["refunds"]!.AsArray());
        Assert.Equal(0, (int)modified["count"]!);
    }

    [Fact]
    public async Task PlaceOrderAsync_WithWebhookUrl_DeliversSignedOrderPaid()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        _simulator.Options.OrderPaidWebhookUrl = receiver.Url;

        var (receipt, status) = await _simulator.PlaceOrderAsync(Listing, "PRINT", 1);

        Assert.Equal(HttpStatusCode.OK, status);
        var delivery = Assert.Single(receiver.Received);
        var body = JsonNode.Parse(delivery.Body)!;
        Assert.Equal("order.paid", (string?)body["event_type"]);
        Assert.EndsWith($"/v3/application/shops/{_simulator.Options.ShopId}/receipts/{receipt!.ReceiptId}", (string?)body["resource_url"], StringComparison.Ordinal);
        Assert.Equal(_time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), delivery.Headers["webhook-timestamp"]);

        // Recomputed here from the Standard Webhooks definition, not with the simulator's signer.
        var key = Convert.FromBase64String(_simulator.Options.WebhookSecret["whsec_".Length..]);
        var signed = Encoding.UTF8.GetBytes($"{delivery.Headers["webhook-id"]}.{delivery.Headers["webhook-timestamp"]}.").Concat(delivery.Body).ToArray();
        Assert.Equal("v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed)), delivery.Headers["webhook-signature"]);
    }

    private static string Challenge(string verifier) =>
        WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    private async Task<string> AuthorizeAsync(string challenge)
    {
        var query = $"oauth/connect?response_type=code&client_id=simkeystring&redirect_uri={Uri.EscapeDataString(Redirect)}&scope={Uri.EscapeDataString("transactions_r listings_r listings_w")}&state=xyz&code_challenge={challenge}&code_challenge_method=S256";
        using var response = await Http.GetAsync(new Uri(_simulator.BaseUrl, query));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith(Redirect, location.ToString(), StringComparison.Ordinal);
        var parsed = QueryHelpers.ParseQuery(location.Query);
        Assert.Equal("xyz", parsed["state"]);
        return parsed["code"]!;
    }

    private async Task<(HttpStatusCode Status, JsonNode Body)> TokenAsync(Dictionary<string, string> fields)
    {
        fields["client_id"] = "simkeystring";
        using var content = new FormUrlEncodedContent(fields);
        using var response = await Http.PostAsync(new Uri(_simulator.BaseUrl, "v3/public/oauth/token"), content);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    private async Task<HttpStatusCode> GetInventoryAsync(string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_simulator.BaseUrl, $"v3/application/listings/{Listing}/inventory"));
        request.Headers.Add("x-api-key", $"{_simulator.Options.Keystring}:{_simulator.Options.SharedSecret}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await Http.SendAsync(request);
        return response.StatusCode;
    }

    private async Task<JsonNode> GetJsonAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_simulator.BaseUrl, path));
        request.Headers.Add("x-api-key", $"{_simulator.Options.Keystring}:{_simulator.Options.SharedSecret}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _simulator.Options.AccessToken);
        using var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }
}

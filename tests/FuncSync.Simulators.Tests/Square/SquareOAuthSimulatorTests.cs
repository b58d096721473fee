using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FuncSync.Simulators.Square;
using Microsoft.Extensions.Time.Testing;

namespace FuncSync.Simulators.Tests.Square;

/// <summary>The Square simulator's OAuth: the code flow's refresh grant at <c>POST /oauth2/token</c>, 30-day access
/// tokens refused afterwards with 401 <c>ACCESS_TOKEN_EXPIRED</c> in Square's error shape.</summary>
public sealed class SquareOAuthSimulatorTests : IAsyncLifetime, IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
    private SquareSimulator _square = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _square = await SquareSimulator.StartAsync(new SquareSimulatorOptions(), _time);
        _http = new HttpClient { BaseAddress = _square.BaseUrl };
    }

    public void Dispose() => _http.Dispose();

    public Task DisposeAsync() => _square.DisposeAsync().AsTask();

    [Fact]
    public async Task RefreshGrant_TokenWorksThirtyDays_ThenExpired()
    {
        var (status, answer) = await TokenAsync(_square.Options.ApplicationSecret, _square.Options.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(_square.Options.RefreshToken, (string?)answer["refresh_token"]);
        Assert.Equal("2026-05-31T12:00:00Z", (string?)answer["expires_at"]);
        var token = (string)answer["access_token"]!;

        Assert.Equal(HttpStatusCode.OK, (await ListAsync(token)).Status);
        _time.Advance(TimeSpan.FromDays(30));

        var (expired, error) = await ListAsync(token);
        Assert.Equal(HttpStatusCode.Unauthorized, expired);
        Assert.Equal("ACCESS_TOKEN_EXPIRED", (string?)error["errors"]![0]!["code"]);
        Assert.Equal("AUTHENTICATION_ERROR", (string?)error["errors"]![0]!["category"]);
        Assert.Equal(HttpStatusCode.OK, (await ListAsync(_square.Options.AccessToken)).Status);
    }

    [Fact]
    public async Task RefreshGrant_WrongSecretOrToken_401()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await TokenAsync("sq0csp-wrong", _square.Options.RefreshToken)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await TokenAsync(_square.Options.ApplicationSecret, "EQAAE-wrong")).Status);
        Assert.Equal(0, _square.TokenRefreshes);
    }

    [Fact]
    public async Task CodeGrant_CodeOnceAndWithinFiveMinutes_AnswersTheConsentsTokens()
    {
        var code = await AuthorizeAsync();
        var (status, answer) = await CodeAsync(code);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(_square.Options.RefreshToken, (string?)answer["refresh_token"]);
        Assert.Equal(HttpStatusCode.OK, (await ListAsync((string)answer["access_token"]!)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await CodeAsync(code)).Status); // Used.

        var late = await AuthorizeAsync();
        _time.Advance(SquareSimulator.AuthorizationCodeLifetime + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await CodeAsync(late)).Status); // Expired.
        Assert.Equal(0, _square.TokenRefreshes);
    }

    /// <summary>The authorization page, approved at once: the code from the redirect, with the state passed through.</summary>
    private async Task<string> AuthorizeAsync()
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _square.BaseUrl };
        using var response = await browser.GetAsync(new Uri($"oauth2/authorize?client_id={_square.Options.ApplicationId}&scope=INVENTORY_READ&session=false&state=st4te&redirect_uri=https%3A%2F%2Fapp.example%2Fcallback", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(response.Headers.Location!.Query);
        Assert.StartsWith("https://app.example/callback?", response.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal("st4te", query["state"].ToString());
        return query["code"].ToString();
    }

    private async Task<(HttpStatusCode Status, JsonNode Body)> CodeAsync(string code)
    {
        using var response = await _http.PostAsJsonAsync(new Uri("oauth2/token", UriKind.Relative), new JsonObject
        {
            ["client_id"] = _square.Options.ApplicationId,
            ["client_secret"] = _square.Options.ApplicationSecret,
            ["grant_type"] = "authorization_code",
            ["code"] = code,
        });
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonNode>())!);
    }

    private async Task<(HttpStatusCode Status, JsonNode Body)> TokenAsync(string secret, string refreshToken)
    {
        using var response = await _http.PostAsJsonAsync(new Uri("oauth2/token", UriKind.Relative), new JsonObject
        {
            ["client_id"] = _square.Options.ApplicationId,
            ["client_secret"] = secret,
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
        });
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonNode>())!);
    }

    private async Task<(HttpStatusCode Status, JsonNode Body)> ListAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "v2/catalog/list?types=ITEM");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("Square-Version", "2026-07-15");
        using var response = await _http.SendAsync(request);
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonNode>())!);
    }
}

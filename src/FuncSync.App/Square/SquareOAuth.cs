using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FuncSync.Channels.Auth;
using FuncSync.Domain;
using FuncSync.Push;
using Microsoft.Extensions.Options;

namespace FuncSync.Square;

/// <summary>Square's token endpoint, <c>POST /oauth2/token</c>, for the code flow's refresh: a JSON body with the
/// application id and secret, <c>grant_type=refresh_token</c> and the refresh token. Square answers a 30-day access token
/// with its <c>expires_at</c> and the same refresh token (only the PKCE flow rotates it).</summary>
public sealed class SquareOAuthClient(HttpClient http, IOptions<SquareOptions> options, TimeProvider time)
{
    /// <returns>Null when Square refused the refresh token or the application's credentials (revoked, or the seller
    /// disconnected FuncSync): only a new consent helps.</returns>
    public Task<OAuthTokens?> RefreshAsync(string refreshToken, CancellationToken cancellationToken) =>
        ObtainAsync(new JsonObject { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken }, refreshToken, cancellationToken);

    /// <summary>The connect flow's <c>authorization_code</c> grant: the seller's consent for tokens.</summary>
    /// <returns>Null when Square refused the code (used, expired: it lives five minutes) or the application's credentials.</returns>
    public Task<OAuthTokens?> ExchangeCodeAsync(string code, Uri redirectUri, CancellationToken cancellationToken) =>
        ObtainAsync(new JsonObject { ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = redirectUri.ToString() }, null, cancellationToken);

    private async Task<OAuthTokens?> ObtainAsync(JsonObject grant, string? refreshToken, CancellationToken cancellationToken)
    {
        var s = options.Value;
        grant["client_id"] = s.ApplicationId;
        grant["client_secret"] = s.ApplicationSecret;
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(s.ApiBaseUrl!, "oauth2/token")) { Content = JsonContent.Create(grant) };
        request.Headers.Add("Square-Version", s.ApiVersion);
        using var response = await http.SendAsync(request, cancellationToken);
        JsonNode? body = null;
        try
        {
            body = await response.Content.ReadFromJsonAsync<JsonNode>(cancellationToken);
        }
        catch (System.Text.Json.JsonException)
        {
            // A proxy's error page: the status says enough.
        }

        if (!response.IsSuccessStatusCode)
        {
            var code = (string?)body?["errors"]?[0]?["code"];
            return (int)response.StatusCode is 400 or 401
                ? null
                : throw new HttpRequestException($"Square's token endpoint answered {(int)response.StatusCode} ({code}).", null, response.StatusCode);
        }

        var token = (string?)body?["access_token"] ?? throw new ChannelRequestException("Square's token endpoint answered no access token.");
        var expiresAt = DateTimeOffset.TryParse((string?)body?["expires_at"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : time.GetUtcNow().AddDays(30);
        var refresh = (string?)body?["refresh_token"] ?? refreshToken ?? throw new ChannelRequestException("Square's token endpoint answered no refresh token.");
        return new OAuthTokens(token, refresh, (long)Math.Max(0, (expiresAt - time.GetUtcNow()).TotalSeconds));
    }
}

/// <summary>Square's token endpoint for the shared <see cref="OAuthAccessTokens"/>.</summary>
public sealed class SquareTokenRefresher(SquareOAuthClient oauth) : IOAuthTokenRefresher
{
    public Task<OAuthTokens?> RefreshAsync(string refreshToken, CancellationToken cancellationToken) => oauth.RefreshAsync(refreshToken, cancellationToken);
}

/// <summary>The bearer token for Square's calls, as the settings decide: the personal access token, or with OAuth the
/// access token minted from the seller's refresh token. The refresh token from configuration is stored once in the
/// shared token store (encrypted), where the access tokens are kept and shared by every instance; a new one in
/// configuration (a renewed consent) replaces it.</summary>
public sealed class SquareAccessTokens(
    [FromKeyedServices(Channel.Square)] OAuthConnectionStore store,
    [FromKeyedServices(Channel.Square)] OAuthAccessTokens tokens,
    IOptions<SquareOptions> options)
{
    /// <summary>Square's access tokens live 30 days and Square asks for a refresh every 7 days or less, so a failing
    /// refresh shows weeks before the token dies: renewed once fewer than this many days are left.</summary>
    public static readonly TimeSpan RenewWhenLeft = TimeSpan.FromDays(23);

    private volatile bool _seeded;

    public static OAuthTokenSettings TokenSettings() =>
        new(string.Empty, RenewWhenLeft, "connect Square at /api/square/oauth/start, or set Square:RefreshToken to the refresh token of the seller's OAuth consent");

    public async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        var s = options.Value;
        if (!s.UsesOAuth)
        {
            return s.AccessToken;
        }

        // A refresh token in the settings is a consent given outside FuncSync; without one, the consent comes from the
        // connect flow (SquareConnectFunctions), which stores it in the token store itself.
        if (!_seeded && s.RefreshToken.Length > 0)
        {
            var stored = await store.GetAsync(cancellationToken);
            if (stored is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(stored.RefreshToken), Encoding.UTF8.GetBytes(s.RefreshToken)))
            {
                // Expired at once: the first call mints an access token from it.
                await store.ConnectAsync(new OAuthTokens(string.Empty, s.RefreshToken, 0), cancellationToken);
                tokens.Invalidate();
            }

            _seeded = true;
        }

        return await tokens.GetAsync(cancellationToken);
    }

    /// <summary>Square refused the access token (401, expired or revoked): mint another. False with a personal access
    /// token, which nothing here can renew.</summary>
    public async Task<bool> RenewAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.UsesOAuth)
        {
            return false;
        }

        await tokens.RefreshAsync(cancellationToken);
        return true;
    }
}

using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FuncSync.Channels.Auth;
using FuncSync.Domain;
using FuncSync.Push;
using Microsoft.Extensions.Options;

namespace FuncSync.Ebay;

/// <summary>eBay's token endpoint, <c>POST /identity/v1/oauth2/token</c>, form-encoded, the keyset as HTTP Basic
/// credentials: a refresh-token grant mints a seller's access token (eBay does not rotate the refresh token), a
/// client-credentials grant an application token (the Notification API's public keys ask for one).</summary>
public sealed class EbayOAuthClient(HttpClient http, IOptions<EbayOptions> options)
{
    public Task<(string AccessToken, long ExpiresIn)?> RefreshAsync(string refreshToken, CancellationToken cancellationToken) =>
        PostAsync([new("grant_type", "refresh_token"), new("refresh_token", refreshToken), new("scope", options.Value.Scopes)], cancellationToken);

    public Task<(string AccessToken, long ExpiresIn)?> ClientCredentialsAsync(CancellationToken cancellationToken) =>
        PostAsync([new("grant_type", "client_credentials"), new("scope", "https://api.ebay.com/oauth/api_scope")], cancellationToken);

    /// <returns>Null when eBay refused the grant (<c>invalid_grant</c>: the refresh token expired or was revoked).</returns>
    private async Task<(string AccessToken, long ExpiresIn)?> PostAsync(KeyValuePair<string, string>[] fields, CancellationToken cancellationToken)
    {
        var s = options.Value;
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(s.ApiBaseUrl!, "identity/v1/oauth2/token")) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(s.ClientId + ":" + s.ClientSecret)));
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonNode>(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var error = (string?)body?["error"];
            return error == "invalid_grant"
                ? null
                : throw new ChannelRequestException($"eBay's token endpoint answered {(int)response.StatusCode}: {error}.");
        }

        return ((string?)body?["access_token"] ?? throw new ChannelRequestException("eBay's token endpoint answered no access token."), (long?)body?["expires_in"] ?? 7200);
    }
}

/// <summary>eBay's token endpoint for the shared <see cref="OAuthAccessTokens"/>. eBay keeps the refresh token (it lives
/// 18 months), so the stored pair keeps it.</summary>
public sealed class EbayTokenRefresher(EbayOAuthClient oauth) : IOAuthTokenRefresher
{
    public async Task<OAuthTokens?> RefreshAsync(string refreshToken, CancellationToken cancellationToken) =>
        await oauth.RefreshAsync(refreshToken, cancellationToken) is { } minted ? new OAuthTokens(minted.AccessToken, refreshToken, minted.ExpiresIn) : null;
}

/// <summary>The seller's access token. The refresh token of the seller's consent comes from configuration; it is
/// stored once in the shared token store (encrypted), where the access tokens minted from it are kept and shared by
/// every instance. A new refresh token in configuration (a renewed consent) replaces the stored one.</summary>
public sealed class EbayUserTokens(
    [FromKeyedServices(Channel.Ebay)] OAuthConnectionStore store,
    [FromKeyedServices(Channel.Ebay)] OAuthAccessTokens tokens,
    IOptions<EbayOptions> options)
{
    private volatile bool _seeded;

    public async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        if (!_seeded)
        {
            var configured = options.Value.RefreshToken;
            var stored = await store.GetAsync(cancellationToken);
            if (stored is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(stored.RefreshToken), Encoding.UTF8.GetBytes(configured)))
            {
                // Expired at once: the first call mints an access token from it.
                await store.ConnectAsync(new OAuthTokens(string.Empty, configured, 0), cancellationToken);
                tokens.Invalidate();
            }

            _seeded = true;
        }

        return await tokens.GetAsync(cancellationToken);
    }

    /// <summary>eBay refused the access token: forget it, so the next call mints another.</summary>
    public async Task RenewAsync(CancellationToken cancellationToken) => await tokens.RefreshAsync(cancellationToken);
}

/// <summary>An application token (client credentials) for the Notification API, kept until shortly before it expires.</summary>
public sealed class EbayAppToken(EbayOAuthClient oauth, TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Token, DateTimeOffset Until)? _current;

    public async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        if (_current is { } fresh && fresh.Until > time.GetUtcNow())
        {
            return fresh.Token;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } other && other.Until > time.GetUtcNow())
            {
                return other.Token;
            }

            var minted = await oauth.ClientCredentialsAsync(cancellationToken)
                ?? throw new ChannelRequestException("eBay refused FuncSync's application credentials (check Ebay:ClientId and Ebay:ClientSecret).");
            _current = (minted.AccessToken, time.GetUtcNow() + TimeSpan.FromSeconds(minted.ExpiresIn) - TimeSpan.FromMinutes(5));
            return minted.AccessToken;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FuncSync.Channels.Auth;
using FuncSync.Domain;
using FuncSync.Push;
using Microsoft.Extensions.Options;

namespace FuncSync.Amazon;

/// <summary>Login with Amazon's token endpoint for the shared <see cref="OAuthAccessTokens"/>: the refresh-token grant,
/// form-encoded with the app's client id and secret. LWA does not rotate refresh tokens; <c>invalid_grant</c> means
/// the seller revoked the app or the token is wrong.</summary>
public sealed class AmazonTokenRefresher(HttpClient http, IOptions<AmazonOptions> options) : IOAuthTokenRefresher
{
    public async Task<OAuthTokens?> RefreshAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var amazon = options.Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["client_id"] = amazon.ClientId,
            ["client_secret"] = amazon.ClientSecret,
        });
        using var response = await http.PostAsync(amazon.ResolveTokenUrl(), form, cancellationToken);
        JsonNode? body;
        try
        {
            body = await response.Content.ReadFromJsonAsync<JsonNode>(cancellationToken);
        }
        catch (System.Text.Json.JsonException)
        {
            body = null;
        }

        if (response.IsSuccessStatusCode && (string?)body?["access_token"] is { Length: > 0 } access)
        {
            return new OAuthTokens(access, (string?)body["refresh_token"] is { Length: > 0 } rotated ? rotated : refreshToken, (long?)body["expires_in"] ?? 3600);
        }

        if ((string?)body?["error"] == "invalid_grant")
        {
            return null;
        }

        var message = $"Login with Amazon answered {(int)response.StatusCode}: {(string?)body?["error"]} {(string?)body?["error_description"]}";
        throw ChannelThrottledException.IsThrottle(response.StatusCode) || (int)response.StatusCode >= 500
            ? new HttpRequestException(message, null, response.StatusCode)
            : new ChannelRequestException(message);
    }
}

/// <summary>The access token for every SP-API call, through the shared token store: the seller's refresh token from
/// configuration seeds the stored connection (encrypted at rest), and the store refreshes it ahead of expiry, once for
/// every instance.</summary>
public sealed class AmazonAccessTokens(
    [FromKeyedServices(Channel.Amazon)] OAuthAccessTokens tokens,
    [FromKeyedServices(Channel.Amazon)] OAuthConnectionStore store,
    IOptions<AmazonOptions> options)
{
    private volatile bool _seeded;

    public async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        if (!_seeded)
        {
            var configured = options.Value.RefreshToken;
            var stored = await store.GetAsync(cancellationToken);
            if (stored is null || !SameSecret(stored.RefreshToken, configured))
            {
                // No connection yet, or the seller authorised the app again: an expired access token makes the store
                // refresh with the configured refresh token on first use.
                await store.ConnectAsync(new OAuthTokens(string.Empty, configured, 0), cancellationToken);
                tokens.Invalidate();
            }

            _seeded = true;
        }

        return await tokens.GetAsync(cancellationToken);
    }

    /// <summary>Amazon refused the token it was given (403 Unauthorized) although the store holds it as unexpired (revoked,
    /// or issued before the app was connected again): a new one now, once for every caller that saw the refusal.</summary>
    public Task RenewAsync(CancellationToken cancellationToken) => tokens.RefreshAsync(cancellationToken);

    private static bool SameSecret(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}

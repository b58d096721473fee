using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FuncSync.Simulators.Hosting;
using Microsoft.AspNetCore.Http;

namespace FuncSync.Simulators.Square;

/// <summary>Square's OAuth code flow: the authorization page (<c>GET /oauth2/authorize</c>, where the simulated seller
/// approves at once, or denies when told to) redirecting to the app's redirect URL with a one-time code that lives five
/// minutes; the token endpoint (<c>POST /oauth2/token</c>, JSON, the application id and secret in the body) for the
/// <c>authorization_code</c> grant and the refresh (the same refresh token answered back); and the access tokens it
/// issues: accepted for <see cref="SquareSimulatorOptions.AccessTokenLifetime"/>, then refused with 401
/// <c>ACCESS_TOKEN_EXPIRED</c>.</summary>
public sealed partial class SquareSimulator
{
    /// <summary>Square's authorization codes expire five minutes after they are issued.</summary>
    public static readonly TimeSpan AuthorizationCodeLifetime = TimeSpan.FromMinutes(5);

    private readonly Dictionary<string, DateTimeOffset> _oauthTokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _codes = new(StringComparer.Ordinal);
    private int _tokenRefreshes;

    /// <summary>Refresh-token grants answered with a new access token.</summary>
    public int TokenRefreshes => Volatile.Read(ref _tokenRefreshes);

    /// <summary>Every OAuth access token issued so far expires now (Square's clock ran past them, or the seller's tokens
    /// were rotated elsewhere): the next call with one is refused as expired.</summary>
    public void ExpireAccessTokens()
    {
        lock (_oauthTokens)
        {
            foreach (var token in _oauthTokens.Keys.ToList())
            {
                _oauthTokens[token] = _time.GetUtcNow();
            }
        }
    }

    /// <summary>Null when the bearer token is the personal access token or a live OAuth token; else the error code.</summary>
    private string? Refusal(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return "UNAUTHORIZED";
        }

        var token = header["Bearer ".Length..];
        if (Same(token, Options.AccessToken))
        {
            return null;
        }

        lock (_oauthTokens)
        {
            return !_oauthTokens.TryGetValue(token, out var expires) ? "UNAUTHORIZED"
                : expires <= _time.GetUtcNow() ? "ACCESS_TOKEN_EXPIRED"
                : null;
        }
    }

    /// <summary>The seller denies the next authorizations (Square redirects with <c>error=access_denied</c>).</summary>
    public bool DenyAuthorization { get; set; }

    /// <summary>The authorization page: the simulated seller decides at once, and Square redirects to the redirect URL
    /// with the state it was given and either a code or the error.</summary>
    private async Task AuthorizeAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var redirect = query["redirect_uri"].ToString();
        if (!Same(query["client_id"].ToString(), Options.ApplicationId) || !Uri.TryCreate(redirect, UriKind.Absolute, out var target))
        {
            await ErrorAsync(context, 400, "INVALID_REQUEST_ERROR", "INVALID_VALUE", "client_id must be the application's id and redirect_uri an absolute URL.");
            return;
        }

        var answer = new Dictionary<string, string?> { ["state"] = query["state"].ToString() };
        if (DenyAuthorization)
        {
            (answer["error"], answer["error_description"]) = ("access_denied", "user_denied");
        }
        else
        {
            var code = "sq0cgp-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            lock (_codes)
            {
                _codes[code] = _time.GetUtcNow() + AuthorizationCodeLifetime;
            }

            (answer["code"], answer["response_type"]) = (code, "code");
        }

        context.Response.Redirect(Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(target.ToString(), answer));
    }

    /// <summary>Takes a code once, if it is live.</summary>
    private bool TakeCode(string code)
    {
        lock (_codes)
        {
            return _codes.Remove(code, out var expires) && expires > _time.GetUtcNow();
        }
    }

    private async Task ObtainTokenAsync(HttpContext context)
    {
        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        }
        catch (System.Text.Json.JsonException)
        {
            await ErrorAsync(context, 400, "INVALID_REQUEST_ERROR", "INVALID_JSON", "The request body is not valid JSON.");
            return;
        }

        var (clientId, secret, grant, refresh) = ((string?)body?["client_id"], (string?)body?["client_secret"], (string?)body?["grant_type"], (string?)body?["refresh_token"]);
        if (clientId is null || grant is null)
        {
            await ErrorAsync(context, 400, "INVALID_REQUEST_ERROR", "MISSING_REQUIRED_PARAMETER", "client_id and grant_type are required.");
            return;
        }

        if (grant is not ("refresh_token" or "authorization_code"))
        {
            await ErrorAsync(context, 400, "INVALID_REQUEST_ERROR", "INVALID_VALUE", $"The simulator answers the authorization_code and refresh_token grants, not {grant}.");
            return;
        }

        if (!Same(clientId, Options.ApplicationId) || secret is null || !Same(secret, Options.ApplicationSecret))
        {
            await ErrorAsync(context, 401, "AUTHENTICATION_ERROR", "UNAUTHORIZED", "Invalid client_id or client_secret.");
            return;
        }

        if (grant == "authorization_code")
        {
            // The seller's consent: a code issued by the authorization page, once; the answer carries the consent's refresh token.
            if ((string?)body?["code"] is not { } code || !TakeCode(code))
            {
                await ErrorAsync(context, 401, "AUTHENTICATION_ERROR", "UNAUTHORIZED", "The authorization code is invalid, used or expired.");
                return;
            }

            refresh = Options.RefreshToken;
        }
        else if (refresh is null || !Same(refresh, Options.RefreshToken))
        {
            await ErrorAsync(context, 401, "AUTHENTICATION_ERROR", "UNAUTHORIZED", "The refresh token is invalid or was revoked.");
            return;
        }

        var token = "EAAA" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var expires = _time.GetUtcNow() + Options.AccessTokenLifetime;
        lock (_oauthTokens)
        {
            _oauthTokens[token] = expires;
        }

        if (grant == "refresh_token")
        {
            Interlocked.Increment(ref _tokenRefreshes);
        }
        await SimulatorJson.WriteAsync(context, 200, new JsonObject
        {
            ["access_token"] = token,
            ["token_type"] = "bearer",
            ["expires_at"] = expires.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["merchant_id"] = Options.MerchantId,
            // The code flow answers the refresh token it was given; only PKCE rotates it.
            ["refresh_token"] = refresh,
            ["short_lived"] = false,
        });
    }

    private static bool Same(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace FuncSync.Simulators.Etsy;

/// <summary>
/// Etsy's OAuth 2.0 authorization server: authorization code with PKCE (S256 only) at <c>/oauth/connect</c>, and the token
/// endpoint <c>POST /v3/public/oauth/token</c> for <c>authorization_code</c> and <c>refresh_token</c> grants. Refresh tokens
/// rotate: a refresh answers a new refresh token and the one it used is dead at once, as Etsy documents. The consent screen
/// is skipped: the simulated seller always approves.
/// </summary>
internal sealed class EtsyOAuthServer(EtsySimulatorOptions options, long userId, TimeProvider timeProvider)
{
    private static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(10);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, PendingCode> _codes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _accessTokens = new(StringComparer.Ordinal);
    private readonly HashSet<string> _refreshTokens = new(StringComparer.Ordinal);
    private int _refreshes;
    private int _refusedRefreshes;

    public int Refreshes => Volatile.Read(ref _refreshes);

    public int RefusedRefreshes => Volatile.Read(ref _refusedRefreshes);

    public bool IsValidAccessToken(string token)
    {
        if (string.Equals(token, options.AccessToken, StringComparison.Ordinal))
        {
            return true;
        }

        lock (_gate)
        {
            return _accessTokens.TryGetValue(token, out var expires) && timeProvider.GetUtcNow() < expires;
        }
    }

    /// <summary>Ends every access token issued so far, as their hour running out would.</summary>
    public void ExpireAccessTokens()
    {
        lock (_gate)
        {
            _accessTokens.Clear();
        }
    }

    /// <summary>GET /oauth/connect: validates the request as Etsy does and answers the redirect to the app's callback.</summary>
    public Uri Authorize(IReadOnlyDictionary<string, string> query)
    {
        string Get(string name) => query.TryGetValue(name, out var value) && value.Length > 0
            ? value
            : throw EtsyApiException.BadRequest($"{name} is required.");

        if (Get("response_type") != "code")
        {
            throw EtsyApiException.BadRequest("response_type must be code.");
        }

        if (Get("client_id") != options.Keystring)
        {
            throw EtsyApiException.BadRequest("Invalid client_id.");
        }

        if (Get("code_challenge_method") != "S256")
        {
            throw EtsyApiException.BadRequest("code_challenge_method must be S256.");
        }

        var scopes = Get("scope").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var redirect = new Uri(Get("redirect_uri"), UriKind.Absolute);
        var code = NewSecret();
        lock (_gate)
        {
            _codes[code] = new PendingCode(Get("code_challenge"), redirect.ToString(), scopes, timeProvider.GetUtcNow() + CodeLifetime);
        }

        var separator = string.IsNullOrEmpty(redirect.Query) ? "?" : "&";
        return new Uri($"{redirect}{separator}code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(Get("state"))}");
    }

    /// <summary>POST /v3/public/oauth/token (form-encoded). Errors are OAuth's <c>{"error", "error_description"}</c> with 400.</summary>
    public JsonObject Token(IReadOnlyDictionary<string, string> form)
    {
        string? Get(string name) => form.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

        if (Get("client_id") != options.Keystring)
        {
            throw new EtsyOAuthException("invalid_client", "client_id is missing or unknown.");
        }

        return Get("grant_type") switch
        {
            "authorization_code" => ExchangeCode(Get("code"), Get("code_verifier"), Get("redirect_uri")),
            "refresh_token" => Refresh(Get("refresh_token")),
            _ => throw new EtsyOAuthException("unsupported_grant_type", "grant_type must be authorization_code or refresh_token."),
        };
    }

    private JsonObject ExchangeCode(string? code, string? verifier, string? redirectUri)
    {
        if (code is null || verifier is null || redirectUri is null)
        {
            throw new EtsyOAuthException("invalid_request", "code, code_verifier and redirect_uri are required.");
        }

        lock (_gate)
        {
            // A code is single-use, whatever the outcome.
            if (!_codes.Remove(code, out var pending) || pending.ExpiresAt <= timeProvider.GetUtcNow())
            {
                throw new EtsyOAuthException("invalid_grant", "The authorization code is invalid or expired.");
            }

            if (!string.Equals(pending.RedirectUri, new Uri(redirectUri).ToString(), StringComparison.Ordinal))
            {
                throw new EtsyOAuthException("invalid_grant", "redirect_uri does not match the authorization request.");
            }

            if (verifier.Length is < 43 or > 128
                || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Challenge(verifier)), Encoding.ASCII.GetBytes(pending.Challenge)))
            {
                throw new EtsyOAuthException("invalid_grant", "code_verifier does not match the code_challenge.");
            }

            return IssueLocked();
        }
    }

    private JsonObject Refresh(string? refreshToken)
    {
        if (refreshToken is null)
        {
            throw new EtsyOAuthException("invalid_request", "refresh_token is required.");
        }

        lock (_gate)
        {
            if (!_refreshTokens.Remove(refreshToken))
            {
                _refusedRefreshes++;
                throw new EtsyOAuthException("invalid_grant", "The refresh token is invalid or has already been used.");
            }

            _refreshes++;
            return IssueLocked();
        }
    }

    private JsonObject IssueLocked()
    {
        // Etsy's tokens carry the user id before a dot.
        var access = string.Create(CultureInfo.InvariantCulture, $"{userId}.{NewSecret()}");
        var refresh = string.Create(CultureInfo.InvariantCulture, $"{userId}.{NewSecret()}");
        _accessTokens[access] = timeProvider.GetUtcNow() + options.AccessTokenLifetime;
        _refreshTokens.Add(refresh);
        return new JsonObject
        {
            ["access_token"] = access,
            ["token_type"] = "Bearer",
            ["expires_in"] = (long)options.AccessTokenLifetime.TotalSeconds,
            ["refresh_token"] = refresh,
        };
    }

    /// <summary>PKCE S256: base64url(SHA-256(ASCII(verifier))), no padding.</summary>
    internal static string Challenge(string verifier) => Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    private static string NewSecret() => Base64Url(RandomNumberGenerator.GetBytes(32));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private sealed record PendingCode(string Challenge, string RedirectUri, IReadOnlyList<string> Scopes, DateTimeOffset ExpiresAt);
}

/// <summary>An OAuth error answer: 400 with <c>{"error": code, "error_description": ...}</c>.</summary>
internal sealed class EtsyOAuthException(string error, string description) : Exception(description)
{
    public string Error { get; } = error;

    public JsonObject Body => new() { ["error"] = Error, ["error_description"] = Message };
}

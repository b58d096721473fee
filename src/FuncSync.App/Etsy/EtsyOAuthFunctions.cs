using System.Security.Cryptography;
using System.Text;
using FuncSync.Channels;
using FuncSync.Channels.Auth;
using FuncSync.Domain;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace FuncSync.Etsy;

/// <summary>Connecting a shop: <c>GET /api/etsy/oauth/start</c> (admin key) sends the seller to Etsy's consent page
/// with a fresh state and an S256 code challenge; <c>GET /api/etsy/oauth/callback</c> (anonymous: Etsy's redirect
/// lands here) checks the state, exchanges the code with the verifier, and stores the encrypted tokens.</summary>
public sealed class EtsyOAuthFunctions(
    [FromKeyedServices(Channel.Etsy)] OAuthConnectionStore store,
    EtsyOAuthClient oauth,
    [FromKeyedServices(Channel.Etsy)] OAuthAccessTokens tokens,
    IOptions<EtsyOptions> options,
    ILogger<EtsyOAuthFunctions> logger)
{
    public const string StartName = "EtsyOAuthStart";
    public const string StartRoute = "etsy/oauth/start";
    public const string CallbackName = "EtsyOAuthCallback";
    public const string CallbackRoute = "etsy/oauth/callback";

    /// <summary>What FuncSync reads and writes on Etsy: receipts, and listings' inventory and state.</summary>
    public const string Scopes = "transactions_r listings_r listings_w";

    private static readonly TimeSpan PendingLifetime = TimeSpan.FromMinutes(15);

    [Function(StartName)]
    public async Task<IResult> StartAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = StartRoute)] HttpRequest request, CancellationToken cancellationToken)
    {
        var etsy = options.Value;
        var state = Base64Url(RandomNumberGenerator.GetBytes(32));

        // 32 random bytes make a 43-character verifier, the shortest RFC 7636 allows.
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        await store.AddPendingAsync(state, verifier, cancellationToken);
        var url = QueryHelpers.AddQueryString(etsy.ResolveConnectUrl().ToString(), new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = etsy.Keystring,
            ["redirect_uri"] = RedirectUri(request).ToString(),
            ["scope"] = Scopes,
            ["state"] = state,
            ["code_challenge"] = Challenge(verifier),
            ["code_challenge_method"] = "S256",
        });

        // A page calling with its admin key cannot follow a redirect to another site and read it, so it asks for the address.
        return request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
            ? Results.Json(new AuthorizeRedirect(new Uri(url)), Json.FuncSyncJson.Default.AuthorizeRedirect)
            : Results.Redirect(url);
    }

    [Function(CallbackName)]
    public async Task<IResult> CallbackAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = CallbackRoute)] HttpRequest request, CancellationToken cancellationToken)
    {
        var query = request.Query;
        if (query["error"].ToString() is { Length: > 0 } error)
        {
            logger.LogWarning("Etsy authorization was not granted: {Error}", error);
            return Results.Text($"Etsy did not connect the shop ({error}).", statusCode: StatusCodes.Status400BadRequest);
        }

        var verifier = await store.TakePendingAsync(query["state"].ToString(), PendingLifetime, cancellationToken);
        if (verifier is null)
        {
            return Results.Text("Unknown, used or expired state: start the connection again.", statusCode: StatusCodes.Status400BadRequest);
        }

        var code = query["code"].ToString();
        if (code.Length == 0)
        {
            return Results.Text("The callback carries no authorization code.", statusCode: StatusCodes.Status400BadRequest);
        }

        EtsyTokenResponse granted;
        try
        {
            granted = await oauth.ExchangeCodeAsync(code, verifier, RedirectUri(request), cancellationToken);
        }
        catch (EtsyOAuthException ex)
        {
            logger.LogWarning(ex, "Etsy refused the authorization code: {Error}", ex.Error);
            return Results.Text("Etsy refused the authorization code: start the connection again.", statusCode: StatusCodes.Status400BadRequest);
        }

        await store.ConnectAsync(granted.ToTokens(), cancellationToken);
        tokens.Invalidate();
        logger.LogInformation("Etsy shop {ShopId} connected", options.Value.ShopId);
        return Results.Text("Etsy shop connected. FuncSync now syncs it.");
    }

    /// <summary>PKCE S256: base64url(SHA-256(verifier)) without padding (RFC 7636 §4.2).</summary>
    internal static string Challenge(string verifier) => Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    private Uri RedirectUri(HttpRequest request) =>
        options.Value.OAuthRedirectUri ?? new Uri($"{request.Scheme}://{request.Host}/api/{CallbackRoute}");

    private static string Base64Url(byte[] bytes) => WebEncoders.Base64UrlEncode(bytes);
}

using System.Security.Cryptography;
using FuncSync.Channels;
using FuncSync.Channels.Auth;
using FuncSync.Domain;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace FuncSync.Square;

/// <summary>Connecting a Square seller by OAuth: <c>GET /api/square/oauth/start</c> (admin key) sends the seller to
/// Square's authorization page with a fresh state; <c>GET /api/square/oauth/callback</c> (anonymous: Square's redirect
/// lands here) takes the state once (unknown, used or older than 15 minutes: 400, nothing stored), exchanges the code
/// at <c>/oauth2/token</c> (<c>authorization_code</c>) and stores the tokens, encrypted, in the shared token store,
/// from which every instance then mints its access tokens. The state is 32 random bytes kept in the store until used:
/// nothing a caller could forge, and it cannot be replayed.</summary>
public sealed class SquareConnectFunctions(
    [FromKeyedServices(Channel.Square)] OAuthConnectionStore store,
    SquareOAuthClient oauth,
    [FromKeyedServices(Channel.Square)] OAuthAccessTokens tokens,
    IOptions<SquareOptions> options,
    ILogger<SquareConnectFunctions> logger)
{
    public const string StartName = "SquareOAuthStart";
    public const string StartRoute = "square/oauth/start";
    public const string CallbackName = "SquareOAuthCallback";
    public const string CallbackRoute = "square/oauth/callback";

    /// <summary>What FuncSync reads and writes on Square: counts, the catalog, orders, and the merchant's locations.</summary>
    public const string Scopes = "INVENTORY_READ INVENTORY_WRITE ITEMS_READ ORDERS_READ MERCHANT_PROFILE_READ";

    public static readonly TimeSpan PendingLifetime = TimeSpan.FromMinutes(15);

    [Function(StartName)]
    public async Task<IResult> StartAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = StartRoute)] HttpRequest request, CancellationToken cancellationToken)
    {
        var square = options.Value;
        if (square.ApiBaseUrl is null || !square.UsesOAuth || string.IsNullOrEmpty(square.ApplicationId))
        {
            return Results.Text("Square connects by OAuth only with Square:ApplicationId and Square:ApplicationSecret set (and no Square:AccessToken).", statusCode: StatusCodes.Status409Conflict);
        }

        var state = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

        // The code flow has no verifier: the pending row holds the state alone.
        await store.AddPendingAsync(state, string.Empty, cancellationToken);
        var url = QueryHelpers.AddQueryString(new Uri(square.ApiBaseUrl!, "oauth2/authorize").ToString(), new Dictionary<string, string?>
        {
            ["client_id"] = square.ApplicationId,
            ["scope"] = Scopes,
            // The seller signs in to Square even with a session open, so they grant from the account they mean.
            ["session"] = "false",
            ["state"] = state,
            ["redirect_uri"] = RedirectUri(request).ToString(),
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

        // The state first, whatever else the redirect says: a callback nobody started changes nothing.
        if (await store.TakePendingAsync(query["state"].ToString(), PendingLifetime, cancellationToken) is null)
        {
            return Results.Text("Unknown, used or expired state: start the connection again.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (query["error"].ToString() is { Length: > 0 } error)
        {
            logger.LogWarning("Square authorization was not granted: {Error} {Description}", error, query["error_description"].ToString());
            return Results.Text($"Square did not connect the seller ({error}).", statusCode: StatusCodes.Status400BadRequest);
        }

        var code = query["code"].ToString();
        if (code.Length == 0)
        {
            return Results.Text("The callback carries no authorization code.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (await oauth.ExchangeCodeAsync(code, RedirectUri(request), cancellationToken) is not { } granted)
        {
            return Results.Text("Square refused the authorization code (used, or older than five minutes): start the connection again.", statusCode: StatusCodes.Status400BadRequest);
        }

        await store.ConnectAsync(granted, cancellationToken);
        tokens.Invalidate();
        logger.LogInformation("Square seller connected by OAuth");
        return Results.Text("Square connected. FuncSync now syncs it.");
    }

    private Uri RedirectUri(HttpRequest request) =>
        options.Value.OAuthRedirectUri ?? new Uri($"{request.Scheme}://{request.Host}/api/{CallbackRoute}");
}

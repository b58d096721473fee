using FuncSync.Etsy;
using FuncSync.Json;
using FuncSync.Shopify;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace FuncSync.Dashboard;

/// <summary>Answer of <c>GET /api/channels</c>: how each channel is connected. Says whether secrets are set, never what they are.</summary>
public sealed record ChannelConnections(ShopifyConnection Shopify, EtsyConnectionState Etsy);

public sealed record ShopifyConnection(string ShopDomain, string ApiVersion, bool AccessTokenConfigured, bool WebhookSecretConfigured);

/// <param name="Connected">A shop was connected through OAuth and its tokens are stored.</param>
/// <param name="OAuthConfigured">The callback registered with Etsy is configured; without it Etsy is sent back to the address the request came to.</param>
public sealed record EtsyConnectionState(long ShopId, bool Connected, DateTimeOffset? TokenExpiresAt, bool StaticTokenConfigured, bool OAuthConfigured);

public sealed class ChannelConnectionsFunction(IOptions<ShopifyOptions> shopify, IOptions<EtsyOptions> etsy, EtsyConnectionStore connections)
{
    public const string Name = "ChannelConnections";
    public const string Route = "channels";

    [Function(Name)]
    public async Task<IResult> GetAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = Route)] HttpRequest request, CancellationToken cancellationToken) =>
        Results.Json(await GetAsync(cancellationToken), FuncSyncJson.Default.ChannelConnections);

    public async Task<ChannelConnections> GetAsync(CancellationToken cancellationToken)
    {
        var s = shopify.Value;
        var e = etsy.Value;
        var connection = await connections.GetAsync(cancellationToken);
        return new ChannelConnections(
            new ShopifyConnection(s.ShopDomain, s.ApiVersion, s.AccessToken.Length > 0, s.WebhookSecret.Length > 0),
            new EtsyConnectionState(e.ShopId, connection is not null, connection?.ExpiresAt, e.AccessToken.Length > 0, e.OAuthRedirectUri is not null));
    }
}

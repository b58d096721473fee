using FuncSync.Channels;
using FuncSync.Domain;
using Microsoft.Extensions.Options;

namespace FuncSync.Shopify;

/// <summary>Shopify's card on the dashboard: which shop, which API version, whether the token and secret are set.</summary>
public sealed class ShopifyConnectionStatus(IOptions<ShopifyOptions> options) : IChannelConnection
{
    public Task<ChannelConnection> ReadAsync(CancellationToken cancellationToken)
    {
        var s = options.Value;
        static string Configured(string secret) => secret.Length > 0 ? "configured" : "missing";
        return Task.FromResult(new ChannelConnection(
            Channel.Shopify,
            s.AccessToken.Length > 0,
            [
                new("Shop", s.ShopDomain.Length > 0 ? s.ShopDomain : "not set"),
                new("API version", s.ApiVersion),
                new("Access token", Configured(s.AccessToken)),
                new("Webhook secret", Configured(s.WebhookSecret)),
            ]));
    }
}

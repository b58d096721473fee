using FuncSync.Channels;
using FuncSync.Domain;
using Microsoft.Extensions.Options;

namespace FuncSync.WooCommerce;

/// <summary>WooCommerce's card on the dashboard: the website, whether the key pair and webhook secret are set (never
/// what they are), and where to point the webhooks. Whether the webhook looks disabled shows on the same card as the
/// sales the orders poll caught that no delivery brought.</summary>
public sealed class WooCommerceConnectionStatus(IOptions<WooCommerceOptions> options) : IChannelConnection
{
    public Task<ChannelConnection> ReadAsync(CancellationToken cancellationToken)
    {
        var s = options.Value;
        static string Configured(string secret) => secret.Length > 0 ? "configured" : "missing";
        return Task.FromResult(new ChannelConnection(
            Channel.WooCommerce,
            s.StoreUrl is not null && s.ConsumerKey.Length > 0 && s.ConsumerSecret.Length > 0,
            [
                new("Website", s.StoreUrl?.ToString() ?? "not set"),
                new("Consumer key", Configured(s.ConsumerKey)),
                new("Consumer secret", Configured(s.ConsumerSecret)),
                new("Webhook secret", Configured(s.WebhookSecret)),
                new("Webhooks", "order.created, order.updated and product.updated to …/api/webhooks/woocommerce"),
                new("Orders poll", s.OrderPollSchedule),
            ]));
    }
}

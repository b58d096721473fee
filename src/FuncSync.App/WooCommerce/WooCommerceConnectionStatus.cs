using System.Globalization;
using FuncSync.Channels;
using FuncSync.Domain;
using Microsoft.Extensions.Options;

namespace FuncSync.WooCommerce;

/// <summary>WooCommerce's card on the dashboard: the website, whether the key pair and webhook secret are set (never
/// what they are), where to point the webhooks, and whether they still reach FuncSync as the last orders poll judged
/// them (<see cref="WooCommerceWebhookWatch"/>).</summary>
public sealed class WooCommerceConnectionStatus(IOptions<WooCommerceOptions> options, WooCommerceWebhookWatch watch) : IChannelConnection
{
    public async Task<ChannelConnection> ReadAsync(CancellationToken cancellationToken)
    {
        var s = options.Value;
        static string Configured(string secret) => secret.Length > 0 ? "configured" : "missing";
        var check = await watch.ReadAsync(cancellationToken);
        return new ChannelConnection(
            Channel.WooCommerce,
            s.StoreUrl is not null && s.ConsumerKey.Length > 0 && s.ConsumerSecret.Length > 0,
            [
                new("Website", s.StoreUrl?.ToString() ?? "not set"),
                new("Consumer key", Configured(s.ConsumerKey)),
                new("Consumer secret", Configured(s.ConsumerSecret)),
                new("Webhook secret", Configured(s.WebhookSecret)),
                new("Webhooks", string.Join(", ", WooCommerceWebhookWatch.Topics) + " to " + (check?.DeliveryUrl ?? s.WebhookUrl?.ToString() ?? "…/api/webhooks/woocommerce")),
                new("Webhook status", Status(check)),
                new("Orders poll", s.OrderPollSchedule),
            ]);
    }

    private static string Status(WooCommerceWebhookCheck? check) => check switch
    {
        null => "not checked yet (the orders poll checks them)",
        { Stopped: true } => string.Create(CultureInfo.InvariantCulture, $"STOPPED: {string.Join("; ", [.. check.Problems ?? [], .. check.Silence is { } silence ? [silence] : Array.Empty<string>()])}. Re-enable them in WooCommerce → Settings → Advanced → Webhooks (checked {check.CheckedAt:u})"),
        { Unreadable: { } reason } => string.Create(CultureInfo.InvariantCulture, $"delivering, as far as the deliveries show; WooCommerce would not list the webhooks ({reason}) (checked {check.CheckedAt:u})"),
        _ => string.Create(CultureInfo.InvariantCulture, $"active and delivering (checked {check.CheckedAt:u})"),
    };
}

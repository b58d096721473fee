using FuncSync.Channels;
using FuncSync.Domain;
using Microsoft.Extensions.Options;

namespace FuncSync.Amazon;

/// <summary>Amazon's card on the dashboard: seller, marketplace, the notification queue, and whether each secret is set
/// (never the secrets themselves).</summary>
public sealed class AmazonConnectionStatus(IOptions<AmazonOptions> options, AmazonRateLimits limits) : IChannelConnection
{
    public Task<ChannelConnection> ReadAsync(CancellationToken cancellationToken)
    {
        var a = options.Value;
        static string Configured(string secret) => secret.Length > 0 ? "configured" : "missing";
        return Task.FromResult(new ChannelConnection(
            Channel.Amazon,
            a.ClientId.Length > 0 && a.ClientSecret.Length > 0 && a.RefreshToken.Length > 0,
            [
                new("Seller", a.SellerId.Length > 0 ? a.SellerId : "not set"),
                new("Marketplace", a.MarketplaceId),
                new("Stock synced", "merchant-fulfilled (DEFAULT) only; FBA is Amazon's"),
                new("LWA client secret", Configured(a.ClientSecret)),
                new("Refresh token", Configured(a.RefreshToken)),
                new("Order notifications", a.NotificationQueueUrl is { } queue ? "SQS " + queue.AbsolutePath.Trim('/') : "not set: orders poll only"),
                new("AWS secret key", Configured(a.AwsSecretAccessKey)),
                new("getOrders rate", limits.RateOf(AmazonOperations.GetOrders).ToString("0.####/s", System.Globalization.CultureInfo.InvariantCulture)),
            ]));
    }
}

using System.Globalization;
using FuncSync.Channels;
using FuncSync.Domain;
using Microsoft.Extensions.Options;

namespace FuncSync.Ebay;

/// <summary>eBay's card on the dashboard: the marketplace, whether the keyset, refresh token and verification token are
/// set (never what they are), the notification URL eBay must be given, the revision limit kept per listing, and the
/// API calls used today against the daily quota.</summary>
public sealed class EbayConnectionStatus(IOptions<EbayOptions> options, EbayCallQuota quota) : IChannelConnection
{
    public async Task<ChannelConnection> ReadAsync(CancellationToken cancellationToken)
    {
        var s = options.Value;
        var (_, used, remaining, _, _) = await quota.ReadAsync(cancellationToken);
        static string Configured(string secret) => secret.Length > 0 ? "configured" : "missing";
        return new ChannelConnection(
            Channel.Ebay,
            s.ClientId.Length > 0 && s.ClientSecret.Length > 0 && s.RefreshToken.Length > 0,
            [
                new("Marketplace", s.MarketplaceId),
                new("App ID", s.ClientId.Length > 0 ? s.ClientId : "not set"),
                new("Cert ID", Configured(s.ClientSecret)),
                new("Refresh token", Configured(s.RefreshToken)),
                new("Notification URL", s.NotificationUrl?.OriginalString ?? "not set"),
                new("Verification token", Configured(s.VerificationToken)),
                new("Revisions per listing per day", string.Create(CultureInfo.InvariantCulture, $"{s.RevisionsPerListingPerDay} ({s.RevisionsReservedForDecreases} kept for decreases)")),
                new("API calls today", string.Create(CultureInfo.InvariantCulture, $"{used} of {s.DailyCallQuota} ({remaining} left)")),
            ]);
    }
}

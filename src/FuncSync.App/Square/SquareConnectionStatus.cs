using FuncSync.Channels;
using FuncSync.Domain;
using Microsoft.Extensions.Options;

namespace FuncSync.Square;

/// <summary>Square's card on the dashboard: the locations synced, whether the token and signature key are set, and the
/// notification URL Square must be given (never the secrets themselves).</summary>
public sealed class SquareConnectionStatus(IOptions<SquareOptions> options) : IChannelConnection
{
    public Task<ChannelConnection> ReadAsync(CancellationToken cancellationToken)
    {
        var s = options.Value;
        static string Configured(string secret) => secret.Length > 0 ? "configured" : "missing";
        return Task.FromResult(new ChannelConnection(
            Channel.Square,
            s.UsesOAuth || s.AccessToken.Length > 0,
            [
                new("Locations", s.Locations.Count > 0 ? string.Join(", ", s.Locations) : "not set"),
                new("Sales elsewhere taken from", s.SellFromLocationId ?? "the location with the most units"),
                new("API version", s.ApiVersion),
                new("Connection", s.UsesOAuth ? "OAuth (access tokens refreshed from the seller's refresh token, every 7 days)" : "personal access token"),
                new(s.UsesOAuth ? "Refresh token" : "Access token", Configured(s.UsesOAuth ? s.RefreshToken : s.AccessToken)),
                new("Signature key", Configured(s.WebhookSignatureKey)),
                new("Notification URL", s.NotificationUrl?.OriginalString ?? "not set"),
            ]));
    }
}

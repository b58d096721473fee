using System.Globalization;
using FuncSync.Channels;
using FuncSync.Channels.Auth;
using FuncSync.Domain;
using Microsoft.Extensions.Options;

namespace FuncSync.Etsy;

/// <summary>Etsy's card on the dashboard: the shop, how it is connected, the poll pacer and the day's API budget.</summary>
public sealed class EtsyConnectionStatus(IOptions<EtsyOptions> options, [FromKeyedServices(Channel.Etsy)] OAuthConnectionStore connections, [FromKeyedServices(Channel.Etsy)] Polling.PollPacer pacer, [FromKeyedServices(Channel.Etsy)] Polling.SharedPollPacerState shared) : IChannelConnection
{
    public async Task<ChannelConnection> ReadAsync(CancellationToken cancellationToken)
    {
        var e = options.Value;
        var connection = await connections.GetAsync(cancellationToken);
        await shared.RefreshAsync(pacer, cancellationToken);
        var poll = pacer.Health(e.WebhookSecret.Length > 0);
        var how = connection is not null
            ? string.Create(CultureInfo.InvariantCulture, $"connected through OAuth, token renews before {connection.ExpiresAt:u}")
            : e.AccessToken.Length > 0 ? "static access token" : "not connected";
        var budget = poll.RemainingToday is { } left
            ? string.Create(CultureInfo.InvariantCulture, $"{left} of {poll.LimitPerDay} left ({poll.ReservedToday} kept for pushes)")
            : "not seen yet";
        return new ChannelConnection(
            Channel.Etsy,
            connection is not null || e.AccessToken.Length > 0,
            [
                new("Shop id", e.ShopId > 0 ? e.ShopId.ToString(CultureInfo.InvariantCulture) : "not set"),
                new("Connection", how),
                new("Poll interval", string.Create(CultureInfo.InvariantCulture, $"{poll.IntervalSeconds:F1} s")),
                new("API budget today", budget),
            ],
            new ConnectionAction(
                connection is not null ? "Reconnect Etsy" : "Connect Etsy",
                EtsyOAuthFunctions.StartRoute,
                e.OAuthRedirectUri is not null ? null : "Etsy will send you back to this address; set Etsy__OAuthRedirectUri to the HTTPS callback registered with your Etsy app."));
    }
}

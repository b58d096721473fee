using FuncSync.Domain;
using FuncSync.Push;

namespace FuncSync.Channels.Auth;

/// <summary>A channel's token endpoint, as <see cref="OAuthAccessTokens"/> needs it for refreshes.</summary>
public interface IOAuthTokenRefresher
{
    /// <returns>The rotated tokens, or null when the channel refused the refresh token as spent or revoked
    /// (<c>invalid_grant</c>): for a channel that rotates refresh tokens, someone else may have used it first.</returns>
    Task<OAuthTokens?> RefreshAsync(string refreshToken, CancellationToken cancellationToken);
}

/// <summary>How a channel's bearer tokens are obtained, from its settings.</summary>
/// <param name="StaticToken">A token from configuration used while no OAuth connection is stored; empty for none.</param>
/// <param name="RefreshSkew">How long before expiry an access token is renewed.</param>
/// <param name="ConnectHint">What a seller does to connect (the OAuth start route), for error messages.</param>
public sealed record OAuthTokenSettings(string StaticToken, TimeSpan RefreshSkew, string ConnectHint);

/// <summary>The bearer token for a channel's calls. With an OAuth connection stored: its access token, refreshed ahead
/// of expiry; the rotated pair is persisted (ETag-guarded) before the new access token is handed out, because channels
/// that rotate refresh tokens (Etsy, eBay) kill the old one the moment it is used. Without one: the static token, if
/// configured. One per channel, registered keyed by <see cref="Domain.Channel"/>.</summary>
public sealed class OAuthAccessTokens(
    OAuthConnectionStore store,
    IOAuthTokenRefresher refresher,
    Func<OAuthTokenSettings> settings,
    TimeProvider time,
    ILogger<OAuthAccessTokens> logger) : IDisposable
{
    // One refresh at a time in this instance; other instances are kept honest by the ETag.
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private static readonly TimeSpan NoConnectionRecheck = TimeSpan.FromMinutes(1);

    // How long a refresh that lost the race waits for the winner's rotated tokens to appear in storage (in steps
    // doubling from 100 ms: about 6 s in all).
    private static readonly TimeSpan RotationSettleTime = TimeSpan.FromSeconds(3);

    private OAuthConnection? _cached;
    private long _staticUntilTicks;

    public Channel Channel => store.Channel;

    public async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var current = settings();
        var connection = Volatile.Read(ref _cached);
        if (connection is null && current.StaticToken.Length > 0 && now.UtcTicks < Interlocked.Read(ref _staticUntilTicks))
        {
            // No connection a moment ago: a static token serves without a table read per call; a connection made
            // on another instance is picked up within the minute.
            return current.StaticToken;
        }

        connection ??= await store.GetAsync(cancellationToken);
        if (connection is null)
        {
            Interlocked.Exchange(ref _staticUntilTicks, (now + NoConnectionRecheck).UtcTicks);
            return current.StaticToken.Length > 0
                ? current.StaticToken
                : throw new ChannelRequestException($"{Channel} is not connected: {current.ConnectHint}.");
        }

        if (IsFresh(connection))
        {
            Volatile.Write(ref _cached, connection);
            return connection.AccessToken;
        }

        return (await RefreshAsync(cancellationToken)).AccessToken;
    }

    /// <summary>Forgets the cached connection, e.g. after the channel refused the access token or a reconnect.</summary>
    public void Invalidate()
    {
        Volatile.Write(ref _cached, null);
        Interlocked.Exchange(ref _staticUntilTicks, 0);
    }

    /// <summary>Rotates the stored tokens unless someone else already did. A refresh that loses the race (the channel
    /// refuses the refresh token because it was spent) adopts the winner's stored tokens.</summary>
    public async Task<OAuthConnection> RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            var current = await store.GetAsync(cancellationToken)
                ?? throw new ChannelRequestException($"{Channel} is not connected through OAuth, so there is nothing to refresh.");
            // Fresh and not what we last used: another caller (or instance) has rotated meanwhile.
            if (IsFresh(current) && current.ETag != Volatile.Read(ref _cached)?.ETag)
            {
                Volatile.Write(ref _cached, current);
                return current;
            }

            if (await refresher.RefreshAsync(current.RefreshToken, cancellationToken) is not { } rotated)
            {
                return await AdoptWinnerAsync(current, cancellationToken);
            }

            var stored = await store.TryRotateAsync(current, rotated, cancellationToken);
            if (stored is null)
            {
                // The row changed between our read and our write (a reconnect): the stored tokens win.
                stored = await store.GetAsync(cancellationToken)
                    ?? throw new ChannelRequestException($"The {Channel} connection was removed during a token refresh.");
            }

            logger.LogInformation("{Channel} tokens rotated; the access token is valid until {ExpiresAt}", Channel, stored.ExpiresAt);
            Volatile.Write(ref _cached, stored);
            return stored;
        }
        finally
        {
            _refreshing.Release();
        }
    }

    public void Dispose() => _refreshing.Dispose();

    /// <summary>Another instance may have spent the refresh token a moment ago and not yet stored what the channel
    /// rotated it to: its write gets a few seconds before the token is called dead.</summary>
    private async Task<OAuthConnection> AdoptWinnerAsync(OAuthConnection spent, CancellationToken cancellationToken)
    {
        for (var wait = TimeSpan.FromMilliseconds(100); ; wait *= 2)
        {
            var winner = await store.GetAsync(cancellationToken);
            if (winner is not null && winner.ETag != spent.ETag)
            {
                logger.LogInformation("Another instance rotated the {Channel} tokens first; using its tokens", Channel);
                Volatile.Write(ref _cached, winner);
                return winner;
            }

            if (wait > RotationSettleTime)
            {
                throw new ChannelRequestException($"{Channel} refused the stored refresh token: {settings().ConnectHint} to reconnect.");
            }

            await Task.Delay(wait, time, cancellationToken);
        }
    }

    private bool IsFresh(OAuthConnection connection) =>
        connection.ExpiresAt - time.GetUtcNow() > settings().RefreshSkew;
}

using FuncSync.Push;
using Microsoft.Extensions.Options;

namespace FuncSync.Etsy;

/// <summary>The bearer token for Etsy calls. With an OAuth connection stored: its access token, refreshed
/// ahead of expiry; the rotated pair is persisted (ETag-guarded) before the new access token is handed
/// out, because Etsy kills the old refresh token the moment it is used. Without one: the static
/// <c>Etsy:AccessToken</c>.</summary>
public sealed class EtsyAccessTokens(
    EtsyConnectionStore store,
    EtsyOAuthClient oauth,
    IOptions<EtsyOptions> options,
    TimeProvider time,
    ILogger<EtsyAccessTokens> logger) : IDisposable
{
    // One refresh at a time in this instance; other instances are kept honest by the ETag.
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private static readonly TimeSpan NoConnectionRecheck = TimeSpan.FromMinutes(1);

    // How long a refresh that lost the race waits for the winner's rotated tokens to appear in storage (in steps
    // doubling from 100 ms: about 6 s in all).
    private static readonly TimeSpan RotationSettleTime = TimeSpan.FromSeconds(3);

    private EtsyConnection? _cached;
    private long _staticUntilTicks;

    public async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var connection = Volatile.Read(ref _cached);
        if (connection is null && options.Value.AccessToken.Length > 0 && now.UtcTicks < Interlocked.Read(ref _staticUntilTicks))
        {
            // No connection a moment ago: a static token serves without a table read per call; a connection made
            // on another instance is picked up within the minute.
            return options.Value.AccessToken;
        }

        connection ??= await store.GetAsync(cancellationToken);
        if (connection is null)
        {
            Interlocked.Exchange(ref _staticUntilTicks, (now + NoConnectionRecheck).UtcTicks);
            return options.Value.AccessToken.Length > 0
                ? options.Value.AccessToken
                : throw new ChannelRequestException("Etsy is not connected: open /api/etsy/oauth/start, or set Etsy:AccessToken.");
        }

        if (IsFresh(connection))
        {
            Volatile.Write(ref _cached, connection);
            return connection.AccessToken;
        }

        return (await RefreshAsync(cancellationToken)).AccessToken;
    }

    /// <summary>Forgets the cached connection, e.g. after Etsy refused the access token or a reconnect.</summary>
    public void Invalidate()
    {
        Volatile.Write(ref _cached, null);
        Interlocked.Exchange(ref _staticUntilTicks, 0);
    }

    /// <summary>Rotates the stored tokens unless someone else already did. A refresh that loses the race
    /// (Etsy answers invalid_grant because the refresh token was spent) adopts the winner's stored tokens.</summary>
    public async Task<EtsyConnection> RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            var current = await store.GetAsync(cancellationToken)
                ?? throw new ChannelRequestException("Etsy is not connected through OAuth, so there is nothing to refresh.");
            // Fresh and not what we last used: another caller (or instance) has rotated meanwhile.
            if (IsFresh(current) && current.ETag != Volatile.Read(ref _cached)?.ETag)
            {
                Volatile.Write(ref _cached, current);
                return current;
            }

            EtsyTokenResponse rotated;
            try
            {
                rotated = await oauth.RefreshAsync(current.RefreshToken, cancellationToken);
            }
            catch (EtsyOAuthException ex) when (ex.Error == "invalid_grant")
            {
                // Another instance may have spent the refresh token a moment ago and not yet stored what Etsy rotated it
                // to: give its write a few seconds before calling the token dead.
                for (var wait = TimeSpan.FromMilliseconds(100); ; wait *= 2)
                {
                    var winner = await store.GetAsync(cancellationToken);
                    if (winner is not null && winner.ETag != current.ETag)
                    {
                        logger.LogInformation("Another instance rotated the Etsy tokens first; using its tokens");
                        Volatile.Write(ref _cached, winner);
                        return winner;
                    }

                    if (wait > RotationSettleTime)
                    {
                        throw new ChannelRequestException("Etsy refused the stored refresh token: reconnect the shop at /api/etsy/oauth/start.");
                    }

                    await Task.Delay(wait, time, cancellationToken);
                }
            }

            var stored = await store.TryRotateAsync(current, rotated, cancellationToken);
            if (stored is null)
            {
                // The row changed between our read and our write (a reconnect): the stored tokens win.
                stored = await store.GetAsync(cancellationToken)
                    ?? throw new ChannelRequestException("The Etsy connection was removed during a token refresh.");
            }

            logger.LogInformation("Etsy tokens rotated; the access token is valid until {ExpiresAt}", stored.ExpiresAt);
            Volatile.Write(ref _cached, stored);
            return stored;
        }
        finally
        {
            _refreshing.Release();
        }
    }

    public void Dispose() => _refreshing.Dispose();

    private bool IsFresh(EtsyConnection connection) =>
        connection.ExpiresAt - time.GetUtcNow() > TimeSpan.FromSeconds(options.Value.TokenRefreshSkewSeconds);
}

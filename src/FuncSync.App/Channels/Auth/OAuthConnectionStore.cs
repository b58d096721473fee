using Azure;
using Azure.Data.Tables;
using FuncSync.Domain;
using FuncSync.Storage;
using Microsoft.AspNetCore.DataProtection;

namespace FuncSync.Channels.Auth;

/// <summary>What a channel's token endpoint answered: a new access token, the refresh token to use next (channels that
/// rotate it kill the old one on use), and the access token's lifetime.</summary>
public sealed record OAuthTokens(string AccessToken, string RefreshToken, long ExpiresInSeconds);

/// <summary>A channel's OAuth connection as stored: both tokens in clear only in memory, and the row's ETag, which
/// guards the next rotation.</summary>
public sealed record OAuthConnection(string AccessToken, string RefreshToken, DateTimeOffset ExpiresAt, ETag ETag);

/// <summary>One channel's OAuth state in the shared <c>ChannelAuth</c> table, keyed by channel: one row per shop and
/// channel holding the tokens, encrypted with ASP.NET Core Data Protection (a key ring wrapped by
/// <see cref="KeyRingXmlEncryptor"/>), and one row per authorization in flight (state → PKCE verifier). Writes are
/// ETag-guarded: a refresh that lost a race never overwrites the winner's rotated refresh token.</summary>
public sealed class OAuthConnectionStore
{
    private const string PendingPrefix = "pending-";

    private readonly TableClient _table;
    private readonly ShopPartition _shop;
    private readonly TimeProvider _time;
    private readonly TableClient? _legacy;
    private readonly string _prefix;
    private readonly IDataProtector _tokens;
    private readonly IDataProtector _verifiers;

    /// <param name="legacy">A table the channel kept its connection in before the shared table (row
    /// <c>connection</c>, same protector purposes): read once when the shared table has no row, and copied over.</param>
    public OAuthConnectionStore(Channel channel, TableClient table, ShopPartition shop, IDataProtectionProvider protection, TimeProvider time, TableClient? legacy = null)
    {
        Channel = channel;
        _table = table;
        _shop = shop;
        _time = time;
        _legacy = legacy;
        _prefix = channel.ToString().ToLowerInvariant() + "|";

        // Purposes per channel: one channel's ciphertext never decrypts as another's.
        _tokens = protection.CreateProtector($"FuncSync.{channel}.OAuthTokens.v1");
        _verifiers = protection.CreateProtector($"FuncSync.{channel}.PkceVerifier.v1");
    }

    public Channel Channel { get; }

    private string ConnectionRow => _prefix + "connection";

    public async Task<OAuthConnection?> GetAsync(CancellationToken cancellationToken)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(_shop.Key, ConnectionRow, cancellationToken: cancellationToken);
        if (row.HasValue)
        {
            return Read(row.Value!);
        }

        return _legacy is null ? null : await AdoptLegacyAsync(_legacy, cancellationToken);
    }

    /// <summary>Stores a new connection (a completed authorization), replacing any previous one.</summary>
    public Task ConnectAsync(OAuthTokens tokens, CancellationToken cancellationToken) =>
        _table.UpsertEntityAsync(Entity(tokens), TableUpdateMode.Replace, cancellationToken);

    /// <summary>Persists rotated tokens if the row is still the one <paramref name="previous"/> was read from.
    /// Null: someone else rotated (or reconnected) first.</summary>
    public async Task<OAuthConnection?> TryRotateAsync(OAuthConnection previous, OAuthTokens tokens, CancellationToken cancellationToken)
    {
        try
        {
            var entity = Entity(tokens);
            var response = await _table.UpdateEntityAsync(entity, previous.ETag, TableUpdateMode.Replace, cancellationToken);
            return new OAuthConnection(tokens.AccessToken, tokens.RefreshToken, entity.GetDateTimeOffset("ExpiresAt")!.Value, response.Headers.ETag ?? default);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return null;
        }
    }

    public Task AddPendingAsync(string state, string verifier, CancellationToken cancellationToken) =>
        _table.AddEntityAsync(
            new TableEntity(_shop.Key, _prefix + PendingPrefix + state) { ["Verifier"] = _verifiers.Protect(verifier), ["CreatedAt"] = _time.GetUtcNow() },
            cancellationToken);

    /// <summary>Takes the verifier of <paramref name="state"/> exactly once (the row is deleted with its ETag);
    /// null for an unknown, used or expired state.</summary>
    public async Task<string?> TakePendingAsync(string state, TimeSpan maxAge, CancellationToken cancellationToken)
    {
        if (state.Length is 0 or > 200 || state.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_')))
        {
            return null;
        }

        var row = await _table.GetEntityIfExistsAsync<TableEntity>(_shop.Key, _prefix + PendingPrefix + state, cancellationToken: cancellationToken);
        if (!row.HasValue)
        {
            return null;
        }

        try
        {
            await _table.DeleteEntityAsync(row.Value!, row.Value!.ETag, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return null;
        }

        return row.Value!.GetDateTimeOffset("CreatedAt") is { } created && _time.GetUtcNow() - created <= maxAge
            ? _verifiers.Unprotect(row.Value!.GetString("Verifier"))
            : null;
    }

    private async Task<OAuthConnection?> AdoptLegacyAsync(TableClient legacy, CancellationToken cancellationToken)
    {
        NullableResponse<TableEntity> old;
        try
        {
            old = await legacy.GetEntityIfExistsAsync<TableEntity>(_shop.Key, "connection", cancellationToken: cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null; // No legacy table: nothing to adopt.
        }

        if (!old.HasValue)
        {
            return null;
        }

        var copy = new TableEntity(_shop.Key, ConnectionRow)
        {
            ["AccessToken"] = old.Value!.GetString("AccessToken"),
            ["RefreshToken"] = old.Value!.GetString("RefreshToken"),
            ["ExpiresAt"] = old.Value!.GetDateTimeOffset("ExpiresAt"),
        };
        try
        {
            await _table.AddEntityAsync(copy, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Another instance adopted it first (and may have rotated since): its row wins.
        }

        var row = await _table.GetEntityAsync<TableEntity>(_shop.Key, ConnectionRow, cancellationToken: cancellationToken);
        return Read(row.Value);
    }

    private OAuthConnection Read(TableEntity entity) => new(
        _tokens.Unprotect(entity.GetString("AccessToken")),
        _tokens.Unprotect(entity.GetString("RefreshToken")),
        entity.GetDateTimeOffset("ExpiresAt")!.Value,
        entity.ETag);

    private TableEntity Entity(OAuthTokens tokens) => new(_shop.Key, ConnectionRow)
    {
        ["AccessToken"] = _tokens.Protect(tokens.AccessToken),
        ["RefreshToken"] = _tokens.Protect(tokens.RefreshToken),
        ["ExpiresAt"] = _time.GetUtcNow().AddSeconds(tokens.ExpiresInSeconds),
    };
}

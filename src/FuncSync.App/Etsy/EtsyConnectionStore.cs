using Azure;
using Azure.Data.Tables;
using FuncSync.Storage;
using Microsoft.AspNetCore.DataProtection;

namespace FuncSync.Etsy;

/// <summary>An Etsy OAuth connection as stored: both tokens in clear only in memory, and the row's ETag,
/// which guards the next rotation.</summary>
public sealed record EtsyConnection(string AccessToken, string RefreshToken, DateTimeOffset ExpiresAt, ETag ETag);

/// <summary>One row per shop holding the OAuth tokens, encrypted with ASP.NET Core Data Protection, and one
/// row per authorization in flight (state → PKCE verifier). Writes are ETag-guarded: a refresh that lost a
/// race never overwrites the winner's rotated refresh token.</summary>
public sealed class EtsyConnectionStore(TableClient table, ShopPartition shop, IDataProtectionProvider protection, TimeProvider time)
{
    private const string ConnectionRow = "connection";
    private const string PendingPrefix = "pending-";

    private readonly IDataProtector _tokens = protection.CreateProtector("FuncSync.Etsy.OAuthTokens.v1");
    private readonly IDataProtector _verifiers = protection.CreateProtector("FuncSync.Etsy.PkceVerifier.v1");

    public async Task<EtsyConnection?> GetAsync(CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(shop.Key, ConnectionRow, cancellationToken: cancellationToken);
        if (!row.HasValue)
        {
            return null;
        }

        var entity = row.Value!;
        return new EtsyConnection(
            _tokens.Unprotect(entity.GetString("AccessToken")),
            _tokens.Unprotect(entity.GetString("RefreshToken")),
            entity.GetDateTimeOffset("ExpiresAt")!.Value,
            entity.ETag);
    }

    /// <summary>Stores a new connection (a completed authorization), replacing any previous one.</summary>
    public Task ConnectAsync(EtsyTokenResponse tokens, CancellationToken cancellationToken) =>
        table.UpsertEntityAsync(Entity(tokens), TableUpdateMode.Replace, cancellationToken);

    /// <summary>Persists rotated tokens if the row is still the one <paramref name="previous"/> was read from.
    /// False: someone else rotated (or reconnected) first.</summary>
    public async Task<EtsyConnection?> TryRotateAsync(EtsyConnection previous, EtsyTokenResponse tokens, CancellationToken cancellationToken)
    {
        try
        {
            var entity = Entity(tokens);
            var response = await table.UpdateEntityAsync(entity, previous.ETag, TableUpdateMode.Replace, cancellationToken);
            return new EtsyConnection(tokens.AccessToken, tokens.RefreshToken, entity.GetDateTimeOffset("ExpiresAt")!.Value, response.Headers.ETag ?? default);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return null;
        }
    }

    public Task AddPendingAsync(string state, string verifier, CancellationToken cancellationToken) =>
        table.AddEntityAsync(
            new TableEntity(shop.Key, PendingPrefix + state) { ["Verifier"] = _verifiers.Protect(verifier), ["CreatedAt"] = time.GetUtcNow() },
            cancellationToken);

    /// <summary>Takes the verifier of <paramref name="state"/> exactly once (the row is deleted with its ETag);
    /// null for an unknown, used or expired state.</summary>
    public async Task<string?> TakePendingAsync(string state, TimeSpan maxAge, CancellationToken cancellationToken)
    {
        if (state.Length is 0 or > 200 || state.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_')))
        {
            return null;
        }

        var row = await table.GetEntityIfExistsAsync<TableEntity>(shop.Key, PendingPrefix + state, cancellationToken: cancellationToken);
        if (!row.HasValue)
        {
            return null;
        }

        try
        {
            await table.DeleteEntityAsync(row.Value!, row.Value!.ETag, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return null;
        }

        return row.Value!.GetDateTimeOffset("CreatedAt") is { } created && time.GetUtcNow() - created <= maxAge
            ? _verifiers.Unprotect(row.Value!.GetString("Verifier"))
            : null;
    }

    private TableEntity Entity(EtsyTokenResponse tokens) => new(shop.Key, ConnectionRow)
    {
        ["AccessToken"] = _tokens.Protect(tokens.AccessToken),
        ["RefreshToken"] = _tokens.Protect(tokens.RefreshToken),
        ["ExpiresAt"] = time.GetUtcNow().AddSeconds(tokens.ExpiresIn),
        ["ConnectedUserId"] = tokens.AccessToken.Split('.')[0],
    };
}

using System.Text.Json.Serialization;
using FuncSync.Channels.Auth;
using FuncSync.Push;
using Microsoft.Extensions.Options;

namespace FuncSync.Etsy;

/// <summary>Etsy's token endpoint answer.</summary>
public sealed record EtsyTokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] long ExpiresIn,
    [property: JsonPropertyName("refresh_token")] string RefreshToken)
{
    public OAuthTokens ToTokens() => new(AccessToken, RefreshToken, ExpiresIn);
}

/// <summary>The token endpoint refused the grant: <c>invalid_grant</c> means the code or refresh token is
/// spent (for a refresh token: someone else rotated it).</summary>
public sealed class EtsyOAuthException(string error, string message) : Exception(message)
{
    public string Error { get; } = error;
}

/// <summary><c>POST /v3/public/oauth/token</c>, form-encoded, with the keystring as client_id.</summary>
public sealed class EtsyOAuthClient(HttpClient http, IOptions<EtsyOptions> options)
{
    public Task<EtsyTokenResponse> ExchangeCodeAsync(string code, string verifier, Uri redirectUri, CancellationToken cancellationToken) =>
        PostAsync(
            [
                new("grant_type", "authorization_code"),
                new("client_id", options.Value.Keystring),
                new("redirect_uri", redirectUri.ToString()),
                new("code", code),
                new("code_verifier", verifier),
            ],
            cancellationToken);

    public Task<EtsyTokenResponse> RefreshAsync(string refreshToken, CancellationToken cancellationToken) =>
        PostAsync(
            [
                new("grant_type", "refresh_token"),
                new("client_id", options.Value.Keystring),
                new("refresh_token", refreshToken),
            ],
            cancellationToken);

    private async Task<EtsyTokenResponse> PostAsync(KeyValuePair<string, string>[] fields, CancellationToken cancellationToken)
    {
        using var content = new FormUrlEncodedContent(fields);
        using var response = await http.PostAsync(options.Value.ResolveTokenUrl(), content, cancellationToken);
        if ((int)response.StatusCode is 400 or 401)
        {
            var error = await response.Content.ReadFromJsonAsync(EtsyJson.Default.EtsyOAuthError, cancellationToken);
            throw new EtsyOAuthException(error?.Error ?? "invalid_request", $"Etsy's token endpoint refused the grant: {error?.Error} ({error?.Description}).");
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync(EtsyJson.Default.EtsyTokenResponse, cancellationToken)
            ?? throw new ChannelRequestException("Etsy's token endpoint answered no tokens.");
    }
}

public sealed record EtsyOAuthError(
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("error_description")] string? Description);

/// <summary>Etsy's token endpoint for the shared <see cref="OAuthAccessTokens"/>: <c>invalid_grant</c> means the refresh
/// token is spent, usually by another instance that rotated first.</summary>
public sealed class EtsyTokenRefresher(EtsyOAuthClient oauth) : IOAuthTokenRefresher
{
    public async Task<OAuthTokens?> RefreshAsync(string refreshToken, CancellationToken cancellationToken)
    {
        try
        {
            return (await oauth.RefreshAsync(refreshToken, cancellationToken)).ToTokens();
        }
        catch (EtsyOAuthException ex) when (ex.Error == "invalid_grant")
        {
            return null;
        }
    }
}

using FuncSync.Channels.Auth;
using FuncSync.Domain;
using FuncSync.Push;
using FuncSync.Shopify;
using FuncSync.Simulators.Square;
using FuncSync.Square;
using FuncSync.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.App.Tests.Square;

/// <summary>Square through OAuth: access tokens minted from the seller's refresh token at Square's token endpoint, kept in
/// the shared token store, refreshed once when Square refuses one as expired; the personal access token path unchanged.</summary>
[Collection(AzuriteTests.Name)]
public sealed class SquareOAuthTests(AzuriteFixture azurite)
{
    private static readonly SquareSimulatorOptions Simulator = new();

    private static Dictionary<string, string?> OAuth(string refreshToken) => new()
    {
        ["Square:AccessToken"] = string.Empty,
        ["Square:RefreshToken"] = refreshToken,
        ["Square:ApplicationId"] = Simulator.ApplicationId,
        ["Square:ApplicationSecret"] = Simulator.ApplicationSecret,
    };

    [Fact]
    public async Task OAuth_SyncsWithOneMintedToken_StoredForThirtyDays()
    {
        await using var app = await SquareTestApp.StartAsync(azurite, TimeSpan.FromSeconds(2), OAuth(Simulator.RefreshToken));
        var mapping = await app.LoadAsync("SQ-OAUTH-01", 5, 441);

        await app.App.Shopify.PlaceOrderAsync([(mapping.Shopify!.VariantId, 2)]);
        await app.WaitUntilEverywhereAsync(mapping, 3, "the Shopify sale shows at the stall too");

        Assert.Equal(1, app.Square.TokenRefreshes);
        var stored = await app.App.App.Services.GetRequiredKeyedService<OAuthConnectionStore>(Channel.Square).GetAsync(CancellationToken.None);
        Assert.NotNull(stored);
        Assert.InRange(stored.ExpiresAt - TimeProvider.System.GetUtcNow(), TimeSpan.FromDays(29), TimeSpan.FromDays(30));
        Assert.Equal(Simulator.RefreshToken, stored.RefreshToken);
    }

    [Fact]
    public async Task OAuth_TokenExpiredAtSquare_RefreshedOnceAndTheCallRepeated()
    {
        await using var app = await SquareTestApp.StartAsync(azurite, TimeSpan.FromSeconds(2), OAuth(Simulator.RefreshToken));
        var mapping = await app.LoadAsync("SQ-OAUTH-02", 5, 442);
        var api = app.App.App.Services.GetRequiredService<SquareApi>();
        Assert.Equal(1, app.Square.TokenRefreshes);

        app.Square.ExpireAccessTokens();
        var counts = await api.RetrieveCountsAsync([mapping.Square!.VariationId], [SquareTestApp.Stall], CancellationToken.None);

        Assert.Equal(5, Assert.Single(counts).Quantity);
        Assert.Equal(2, app.Square.TokenRefreshes);
        await api.RetrieveCountsAsync([mapping.Square!.VariationId], [SquareTestApp.Stall], CancellationToken.None);
        Assert.Equal(2, app.Square.TokenRefreshes);
    }

    [Fact]
    public async Task OAuth_RefreshTokenRevoked_RefusedWithTheSettingToFix()
    {
        await using var app = await SquareTestApp.StartAsync(azurite, TimeSpan.FromSeconds(2), OAuth("EQAAE-revoked-since"));
        var api = app.App.App.Services.GetRequiredService<SquareApi>();

        var refused = await Assert.ThrowsAsync<ChannelRequestException>(() => api.RetrieveCountsAsync(["VAR-NONE"], [SquareTestApp.Stall], CancellationToken.None));

        Assert.Contains("Square:RefreshToken", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, app.Square.TokenRefreshes);
    }

    [Fact]
    public async Task PersonalAccessToken_Refused_NoRefreshAttempted()
    {
        await using var app = await SquareTestApp.StartAsync(azurite, TimeSpan.FromSeconds(2), new Dictionary<string, string?> { ["Square:AccessToken"] = "EAAA-a-token-revoked-since" });
        var api = app.App.App.Services.GetRequiredService<SquareApi>();

        var refused = await Assert.ThrowsAsync<ChannelRequestException>(() => api.RetrieveCountsAsync(["VAR-NONE"], [SquareTestApp.Stall], CancellationToken.None));

        Assert.Contains("401", refused.Message, StringComparison.Ordinal);
        Assert.Contains("UNAUTHORIZED", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, app.Square.TokenRefreshes);
    }
}

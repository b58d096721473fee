using System.Net;
using Azure.Data.Tables;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Channels.Auth;
using FuncSync.Domain;
using FuncSync.Etsy;
using FuncSync.Push;
using FuncSync.Simulators.Etsy;
using FuncSync.Storage;
using FuncSync.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FuncSync.App.Tests.Etsy;

[Collection(AzuriteTests.Name)]
public sealed class EtsyOAuthTests(AzuriteFixture azurite)
{
    private const long ListingId = 1_500_000_031;

    [Fact]
    public async Task Connect_StartConsentCallback_StoresEncryptedTokensThatAuthorizeCalls()
    {
        await using var app = await StartAsync(TimeSpan.FromHours(1));
        var api = app.App.Services.GetRequiredService<EtsyApi>();
        await Assert.ThrowsAsync<ChannelRequestException>(() => api.GetListingInventoryAsync(ListingId, CancellationToken.None));

        var (authorize, callback) = await ConnectAsync(app);

        var query = QueryHelpers.ParseQuery(authorize.Query);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.Equal("transactions_r listings_r listings_w", query["scope"]);
        Assert.Equal(43, query["code_challenge"].ToString().Length);
        var row = (await app.Storage.Table(app.Names.ChannelAuthTable).QueryAsync<TableEntity>(e => e.RowKey == "etsy|connection").ToListAsync()).Single();
        Assert.DoesNotContain("12345678.", row.GetString("AccessToken"), StringComparison.Ordinal);
        Assert.DoesNotContain("12345678.", row.GetString("RefreshToken"), StringComparison.Ordinal);
        Assert.NotNull(await api.GetListingInventoryAsync(ListingId, CancellationToken.None));

        // A state is good for one callback only.
        using var replay = await app.Http.GetAsync(callback);
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
    }

    [Fact]
    public async Task Get_ConnectionStoredBeforeTheSharedTable_AdoptedAndAuthorizesCalls()
    {
        await using var app = await StartAsync(TimeSpan.FromHours(1));
        await ConnectAsync(app);
        var shared = app.Storage.Table(app.Names.ChannelAuthTable);
        var stored = await shared.GetEntityAsync<TableEntity>(app.App.Services.GetRequiredService<ShopPartition>().Key, "etsy|connection");

        // As an earlier FuncSync kept it: the same encrypted values in Etsy's own table, and nothing in the shared one.
        var legacy = app.Storage.Table(app.Names.EtsyAuthTable);
        await legacy.CreateIfNotExistsAsync();
        await legacy.AddEntityAsync(new TableEntity(stored.Value.PartitionKey, "connection")
        {
            ["AccessToken"] = stored.Value.GetString("AccessToken"),
            ["RefreshToken"] = stored.Value.GetString("RefreshToken"),
            ["ExpiresAt"] = stored.Value.GetDateTimeOffset("ExpiresAt"),
        });
        await shared.DeleteEntityAsync(stored.Value.PartitionKey, stored.Value.RowKey);
        var tokens = NewInstanceTokens(app);

        var token = await tokens.GetAsync(CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, await CallEtsyAsync(app, token));
        Assert.NotNull((await shared.GetEntityIfExistsAsync<TableEntity>(stored.Value.PartitionKey, "etsy|connection")).Value);
        tokens.Dispose();
    }

    [Fact]
    public async Task Refresh_FourInstancesRaceOnExpiringToken_RotationNeverLost()
    {
        // Every token is inside the refresh window, so each caller wants to rotate at once.
        await using var app = await StartAsync(TimeSpan.FromSeconds(2000));
        await ConnectAsync(app);
        var instances = Enumerable.Range(0, 4).Select(_ => NewInstanceTokens(app)).ToList();

        var tokens = await Task.WhenAll(instances.Select(i => i.GetAsync(CancellationToken.None)));

        Assert.True(app.Etsy.TokenRefreshes >= 1);
        foreach (var token in tokens.Distinct())
        {
            Assert.Equal(HttpStatusCode.OK, await CallEtsyAsync(app, token));
        }

        // Whoever won, the stored refresh token is the live one: rotation goes on.
        var refreshesBefore = app.Etsy.TokenRefreshes;
        var next = await instances[0].RefreshAsync(CancellationToken.None);
        Assert.Equal(refreshesBefore + 1, app.Etsy.TokenRefreshes);
        Assert.Equal(HttpStatusCode.OK, await CallEtsyAsync(app, next.AccessToken));
        instances.ForEach(i => i.Dispose());
    }

    [Fact]
    public async Task Call_AccessTokenRevokedEarly_RefreshesOnceAndSucceeds()
    {
        await using var app = await StartAsync(TimeSpan.FromHours(1));
        await ConnectAsync(app);
        var api = app.App.Services.GetRequiredService<EtsyApi>();
        Assert.NotNull(await api.GetListingInventoryAsync(ListingId, CancellationToken.None));

        app.Etsy.ExpireAccessTokens();

        Assert.NotNull(await api.GetListingInventoryAsync(ListingId, CancellationToken.None));
        Assert.Equal(1, app.Etsy.TokenRefreshes);
    }

    private async Task<FuncSyncTestApp> StartAsync(TimeSpan tokenLifetime)
    {
        var settings = new Dictionary<string, string?>(EtsyTestSettings.ManualPolling)
        {
            // No static token: every call must carry an OAuth token.
            ["Etsy:AccessToken"] = "",
            ["Etsy:TokenRefreshSkewSeconds"] = "3000",
        };
        var app = await FuncSyncTestApp.StartAsync(azurite, settings, new EtsySimulatorOptions { AccessTokenLifetime = tokenLifetime });
        app.Etsy.AddListing(ListingId, "Print", [new EtsySimProduct("PRINT-OAUTH", 3, 20m, [])]);
        return app;
    }

    /// <summary>The seller's browser: start → Etsy's consent (auto-approved) → FuncSync's callback.</summary>
    private static async Task<(Uri Authorize, Uri Callback)> ConnectAsync(FuncSyncTestApp app)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseUrl };
        browser.DefaultRequestHeaders.Add("x-functions-key", FuncSyncTestApp.AdminKey);
        using var start = await browser.GetAsync("api/" + EtsyOAuthFunctions.StartRoute);
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var authorize = start.Headers.Location!;
        using var consent = await browser.GetAsync(authorize);
        Assert.Equal(HttpStatusCode.Redirect, consent.StatusCode);
        var callback = consent.Headers.Location!;
        using var connected = await browser.GetAsync(callback);
        Assert.Equal(HttpStatusCode.OK, connected.StatusCode);
        return (authorize, callback);
    }

    private static async Task<HttpStatusCode> CallEtsyAsync(FuncSyncTestApp app, string accessToken)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(app.Etsy.BaseUrl, $"v3/application/listings/{ListingId}/inventory"));
        request.Headers.Add("x-api-key", $"{app.Etsy.Options.Keystring}:{app.Etsy.Options.SharedSecret}");
        request.Headers.Add("Authorization", "Bearer " + accessToken);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>What another instance of the app would hold: its own token cache over the same stored connection.</summary>
    private static OAuthAccessTokens NewInstanceTokens(FuncSyncTestApp app) => new(
        app.App.Services.GetRequiredKeyedService<OAuthConnectionStore>(Channel.Etsy),
        app.App.Services.GetRequiredService<EtsyTokenRefresher>(),
        () => app.App.Services.GetRequiredService<IOptions<EtsyOptions>>().Value.TokenSettings(),
        app.App.Services.GetRequiredService<TimeProvider>(),
        NullLogger<OAuthAccessTokens>.Instance);
}

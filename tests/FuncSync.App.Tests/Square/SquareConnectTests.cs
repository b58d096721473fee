using System.Net;
using Azure.Data.Tables;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Channels.Auth;
using FuncSync.Domain;
using FuncSync.Simulators.Square;
using FuncSync.Square;
using FuncSync.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.App.Tests.Square;

/// <summary>Connecting a Square seller through the OAuth code flow, as the seller's browser does: FuncSync's start
/// endpoint → Square's authorization page (the simulator's, approving at once) → FuncSync's callback.</summary>
[Collection(AzuriteTests.Name)]
public sealed class SquareConnectTests(AzuriteFixture azurite)
{
    private static readonly SquareSimulatorOptions Simulator = new();

    // No token of any kind in the settings: the consent comes from the connect flow alone.
    private static readonly Dictionary<string, string?> ConnectOnly = new()
    {
        ["Square:AccessToken"] = string.Empty,
        ["Square:RefreshToken"] = string.Empty,
        ["Square:ApplicationId"] = Simulator.ApplicationId,
        ["Square:ApplicationSecret"] = Simulator.ApplicationSecret,
    };

    [Fact]
    public async Task Connect_SellerApproves_TokensStoredAndSquareCalledWithThem()
    {
        await using var app = await SquareTestApp.StartAsync(azurite, TimeSpan.FromSeconds(2), ConnectOnly);
        using var browser = Browser(app);

        var callback = await AuthorizeAsync(browser);
        Assert.Equal("code", Query(callback, "response_type"));
        using var connected = await browser.GetAsync(callback);

        Assert.Equal(HttpStatusCode.OK, connected.StatusCode);
        var stored = await Store(app).GetAsync(CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Equal(Simulator.RefreshToken, stored.RefreshToken);
        Assert.InRange(stored.ExpiresAt - TimeProvider.System.GetUtcNow(), TimeSpan.FromDays(29), TimeSpan.FromDays(30));

        // The stored access token serves Square's calls: none minted by a refresh.
        var api = app.App.App.Services.GetRequiredService<SquareApi>();
        Assert.Empty(await api.RetrieveCountsAsync(["VAR-NONE"], [SquareTestApp.Stall], CancellationToken.None));
        Assert.Equal(0, app.Square.TokenRefreshes);

        // The code is single-use: the same callback again finds its state taken.
        using var again = await browser.GetAsync(callback);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
    }

    [Fact]
    public async Task Callback_UnknownState_400NothingStored()
    {
        await using var app = await SquareTestApp.StartAsync(azurite, TimeSpan.FromSeconds(2), ConnectOnly);
        using var browser = Browser(app);
        var callback = await AuthorizeAsync(browser);

        using var forged = await browser.GetAsync($"api/{SquareConnectFunctions.CallbackRoute}?code={Query(callback, "code")}&state=forged-state-0123456789");

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Null(await Store(app).GetAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Callback_StateOlderThanItsLifetime_400NothingStored()
    {
        await using var app = await SquareTestApp.StartAsync(azurite, TimeSpan.FromSeconds(2), ConnectOnly);
        using var browser = Browser(app);
        var callback = await AuthorizeAsync(browser);

        // The seller took longer than the state lives: age its pending row past the lifetime.
        var table = app.App.Storage.Table(app.App.Names.ChannelAuthTable);
        var state = Query(callback, "state");
        var pending = await table.QueryAsync<TableEntity>(e => e.RowKey == "square|pending-" + state).SingleAsync();
        pending["CreatedAt"] = TimeProvider.System.GetUtcNow() - SquareConnectFunctions.PendingLifetime - TimeSpan.FromMinutes(1);
        await table.UpdateEntityAsync(pending, pending.ETag, TableUpdateMode.Replace);

        using var late = await browser.GetAsync(callback);

        Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode);
        Assert.Null(await Store(app).GetAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Callback_SellerDenied_400NothingStored()
    {
        await using var app = await SquareTestApp.StartAsync(azurite, TimeSpan.FromSeconds(2), ConnectOnly);
        app.Square.DenyAuthorization = true;
        using var browser = Browser(app);
        var callback = await AuthorizeAsync(browser);
        Assert.Equal("access_denied", Query(callback, "error"));

        using var denied = await browser.GetAsync(callback);

        Assert.Equal(HttpStatusCode.BadRequest, denied.StatusCode);
        Assert.Null(await Store(app).GetAsync(CancellationToken.None));
    }

    /// <summary>The start endpoint's redirect to Square, then Square's redirect back: answers the callback address.</summary>
    private static async Task<Uri> AuthorizeAsync(HttpClient browser)
    {
        using var start = await browser.GetAsync("api/" + SquareConnectFunctions.StartRoute);
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var authorize = start.Headers.Location!;
        Assert.Equal("/oauth2/authorize", authorize.AbsolutePath);
        Assert.Equal(Simulator.ApplicationId, Query(authorize, "client_id"));
        using var consent = await browser.GetAsync(authorize);
        Assert.Equal(HttpStatusCode.Redirect, consent.StatusCode);
        var callback = consent.Headers.Location!;
        Assert.EndsWith("/api/" + SquareConnectFunctions.CallbackRoute, callback.AbsolutePath, StringComparison.Ordinal);
        return callback;
    }

    private static HttpClient Browser(SquareTestApp app)
    {
        var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.App.BaseUrl };
        browser.DefaultRequestHeaders.Add("x-functions-key", FuncSyncTestApp.AdminKey);
        return browser;
    }

    private static OAuthConnectionStore Store(SquareTestApp app) =>
        app.App.App.Services.GetRequiredKeyedService<OAuthConnectionStore>(Channel.Square);

    private static string? Query(Uri uri, string name) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(uri.Query).TryGetValue(name, out var value) ? value.ToString() : null;
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Channels;
using FuncSync.Dashboard;
using FuncSync.Domain;
using FuncSync.Json;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Dashboard;

/// <summary>What the Channels page reads: the connection state, and the Etsy connect address as JSON.</summary>
[Collection(AzuriteTests.Name)]
public sealed class ChannelConnectionsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Channels_ConnectEtsyThroughJsonStart_ShowsConnectedAndNoSecrets()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite, new Dictionary<string, string?> { ["Etsy:AccessToken"] = "" });
        var before = await app.Http.GetFromJsonAsync("api/channels", FuncSyncJson.Default.ChannelList);
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseUrl };
        browser.DefaultRequestHeaders.Add("x-functions-key", FuncSyncTestApp.AdminKey);
        using var start = new HttpRequestMessage(HttpMethod.Get, "api/etsy/oauth/start");
        start.Headers.Accept.ParseAdd("application/json");

        using var answer = await browser.SendAsync(start);
        var authorize = (await answer.Content.ReadFromJsonAsync(FuncSyncJson.Default.AuthorizeRedirect))!.AuthorizeUrl;
        using var consent = await browser.GetAsync(authorize);
        using var callback = await browser.GetAsync(consent.Headers.Location);
        var after = await app.Http.GetStringAsync("api/channels");
        var connected = JsonSerializer.Deserialize(after, FuncSyncJson.Default.ChannelList)!;

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.False(Card(before!, Channel.Etsy).Connected);
        Assert.Contains(new ConnectionFact("Access token", "configured"), Card(before!, Channel.Shopify).Facts);
        Assert.Equal(HttpStatusCode.OK, callback.StatusCode);
        Assert.True(Card(connected, Channel.Etsy).Connected);
        Assert.DoesNotContain(app.Settings["Shopify:AccessToken"]!, after, StringComparison.Ordinal);
    }

    private static ChannelConnection Card(ChannelList list, Channel channel) => list.Channels.Single(c => c.Channel == channel).Connection;
}

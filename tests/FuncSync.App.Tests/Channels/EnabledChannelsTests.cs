using System.Net.Http.Json;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Catalog;
using FuncSync.Channels;
using FuncSync.Domain;
using FuncSync.Json;
using FuncSync.Push;
using FuncSync.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.App.Tests.Channels;

/// <summary>A seller sets up the channels they sell on and nothing else: a channel without its settings is neither
/// validated nor written, polled or shown.</summary>
[Collection(AzuriteTests.Name)]
public sealed class EnabledChannelsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Start_EtsyNotConfigured_StartsWithShopifyOnly()
    {
        // Without its API address Etsy is off, so its required settings may be missing too.
        await using var app = await FuncSyncTestApp.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["Etsy:ApiBaseUrl"] = null,
            ["Etsy:Keystring"] = null,
            ["Etsy:SharedSecret"] = null,
        });

        var channels = await app.Http.GetFromJsonAsync("api/channels", FuncSyncJson.Default.ChannelList);
        var lag = await app.Http.GetFromJsonAsync("api/lag", FuncSyncJson.Default.LagReport);
        var health = await app.Http.GetFromJsonAsync("healthz", FuncSyncJson.Default.HealthReport);

        Assert.Equal([Channel.Shopify], channels!.Channels.Select(c => c.Channel));
        Assert.Equal([Channel.Shopify], lag!.Channels.Select(c => c.Channel).Distinct());
        Assert.Equal([Channel.Shopify], health!.Channels.Select(c => c.Channel));
        Assert.Equal([Channel.Shopify], app.App.Services.GetServices<IChannelInventory>().Select(c => c.Channel));
    }

    [Fact]
    public async Task Start_EtsyTurnedOffExplicitly_ItsListingKeptButNotPushed()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite, new Dictionary<string, string?> { ["Etsy:Enabled"] = "false" });
        var item = new TestItem("OFF-01", 4, 61);
        app.List(item.Mapping, 4);

        await app.ImportAsync(new SkuMapRow(item.Mapping, 4));
        var mapping = await app.App.Services.GetRequiredService<SkuMapStore>().GetAsync(item.Sku, CancellationToken.None);
        var csv = await app.Http.GetStringAsync("api/mappings.csv");

        Assert.Equal([Channel.Shopify], mapping!.Channels);
        Assert.Contains("etsy_listing_id", csv, StringComparison.Ordinal);
        Assert.False(app.App.Services.GetRequiredService<ChannelRegistry>().IsEnabled(Channel.Etsy));
    }

    [Fact]
    public void IsEnabled_EnabledSettingWinsOverConnectionSetting()
    {
        var module = ChannelModules.Of(Channel.Etsy);
        static IConfiguration Settings(params (string Key, string Value)[] values) =>
            new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

        Assert.False(ChannelServices.IsEnabled(module, Settings()));
        Assert.True(ChannelServices.IsEnabled(module, Settings(("Etsy:ApiBaseUrl", "http://127.0.0.1:1/"))));
        Assert.False(ChannelServices.IsEnabled(module, Settings(("Etsy:ApiBaseUrl", "http://127.0.0.1:1/"), ("Etsy:Enabled", "false"))));
        Assert.True(ChannelServices.IsEnabled(module, Settings(("Etsy:Enabled", "true"))));
    }
}

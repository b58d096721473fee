using System.Globalization;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Domain;
using FuncSync.Domain.Ledger;
using FuncSync.Json;
using FuncSync.Lag;
using FuncSync.Ledger;
using FuncSync.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.App.Tests.Lag;

/// <summary>Measured lag through the real push: samples from the sale's time to the other channel accepting the change.</summary>
[Collection(AzuriteTests.Name)]
public sealed class LagTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task ShopifySaleReachingEtsyLate_OverObjective_LagBreachRaised()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite, new Dictionary<string, string?> { ["Lag:Objectives:Shopify"] = "00:00:05" });
        var item = new TestItem("LAG-01", 4, 121);
        await app.LoadAsync(item);
        await app.DrainedAsync(app.Names.ChannelPushQueue);

        // A sale two minutes old when it arrives, as after a webhook outage and Shopify's retries.
        var now = TimeProvider.System.GetUtcNow();
        await app.SendEventAsync(new InventoryEventReceived(
            "shopify:late:1", InventoryEventKind.Sale, "shopify", new ListingRef(Channel.Shopify, item.ShopifyVariantId.ToString(CultureInfo.InvariantCulture)),
            null, 1, now.AddMinutes(-2), now, "#LATE"));
        await Eventually.WaitAsync(() => app.Etsy.GetQuantity(item.EtsyListingId, item.Sku) == 3, Deadline, "Etsy shows the sale");
        await app.DrainedAsync(app.Names.ChannelPushQueue);
        await app.RunTimerAsync(LagCheckFunction.Name);

        var breach = Assert.Single(await app.AlertsAsync("LagBreach"));
        Assert.Equal("lag:Shopify", breach.GetString("Key"));
        var report = await app.GetJsonAsync("api/lag", FuncSyncJson.Default.LagReport);
        var hour = Assert.Single(report.Channels, c => c.Channel == Channel.Shopify && c.Window == "1h");
        Assert.Equal(1, hour.Samples);
        Assert.Equal(5000, hour.ObjectiveMs);
        Assert.InRange(hour.P95Ms!.Value, 114_000, 130_000);
        Assert.Equal(0, Assert.Single(report.Channels, c => c.Channel == Channel.Etsy && c.Window == "1h").Samples);
        var worst = await app.App.Services.GetRequiredService<ILagMeasurements>().WorstLagAsync(Channel.Shopify, CancellationToken.None);
        Assert.InRange(worst!.Value.TotalSeconds, 114, 130);
    }
}

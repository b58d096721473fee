using System.Globalization;
using System.Net;
using FuncSync.Alerts;
using FuncSync.Channels;
using FuncSync.Domain;
using FuncSync.Simulators.WooCommerce;
using FuncSync.Testing;
using FuncSync.WooCommerce;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.App.Tests.WooCommerce;

/// <summary>The seller hears when the website's webhooks stop: WooCommerce disables them after failed deliveries and
/// never says so, the orders poll keeps the sales coming, and after each pass FuncSync reads <c>GET webhooks</c> (and
/// its own deliveries) and raises or clears one alert, shown on the channel card too.</summary>
[Collection(AzuriteTests.Name)]
public sealed class WooCommerceWebhookWatchTests(AzuriteFixture azurite)
{
    private static readonly string AlertId = AlertStore.IdFor(AlertKind.WebhookStopped, WooCommerceWebhookWatch.AlertKey);

    [Fact]
    public async Task DisabledByFailures_AlertNamesTheDeliveryUrl_ClearedWhenDeliveriesResume()
    {
        // The website signs with a secret FuncSync no longer has: every delivery is refused 401 and counts as a failure.
        await using var app = await WooCommerceTestApp.StartAsync(azurite, settings: new Dictionary<string, string?> { ["WooCommerce:WebhookSecret"] = "a-secret-rotated-since" });
        var mapping = await app.LoadAsync("WOO-WATCH-01", 12, 421);
        await app.PollAsync();
        Assert.StartsWith("active and delivering", await CardStatusAsync(app));

        for (var i = 0; i < 7; i++)
        {
            await app.Woo.CheckoutAsync([(WooCommerceTestApp.StockId(mapping), 1)]);
        }

        Assert.Equal(WooCommerceSimulator.WebhookDisabled, app.Woo.WebhookStatus(WooCommerceSimulator.OrderCreated));
        await app.PollAsync();

        var alert = await WaitForAlertAsync(app, AlertStatus.Open);
        Assert.Contains("order.created: disabled by WooCommerce after failed deliveries", alert.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("order.updated", alert.Message, StringComparison.Ordinal);
        Assert.Equal("WooCommerce", alert.Channel);
        Assert.Contains("WooCommerce → Settings → Advanced → Webhooks", alert.NextStep, StringComparison.Ordinal);
        Assert.Contains(app.Woo.Options.DeliveryUrl!.ToString(), alert.NextStep, StringComparison.Ordinal);
        Assert.StartsWith("STOPPED: order.created: disabled", await CardStatusAsync(app));
        await app.WaitUntilEverywhereAsync(mapping, 5, "every order still arrives by the poll");

        // The seller fixes the secret on the site and re-activates the webhooks.
        app.Woo.Options.WebhookSecret = "a-secret-rotated-since";
        app.Woo.ReactivateWebhooks();
        await app.Woo.CheckoutAsync([(WooCommerceTestApp.StockId(mapping), 1)]);
        await app.WaitUntilEverywhereAsync(mapping, 4, "the delivered sale shows on every channel");
        await app.PollAsync();

        await WaitForAlertAsync(app, AlertStatus.Resolved);
        Assert.StartsWith("active and delivering", await CardStatusAsync(app));
    }

    [Fact]
    public async Task PointedElsewhere_AlertedWithTheConfiguredUrl()
    {
        await using var app = await WooCommerceTestApp.StartAsync(azurite, settings: new Dictionary<string, string?> { ["WooCommerce:WebhookUrl"] = "https://funcsync.test/api/webhooks/woocommerce" });
        await app.LoadAsync("WOO-WATCH-02", 3, 422);

        await app.PollAsync();

        // The simulator's webhooks point at the test app's loopback address, not the configured URL.
        var alert = await WaitForAlertAsync(app, AlertStatus.Open);
        Assert.Contains("order.created: no webhook points at FuncSync", alert.Message, StringComparison.Ordinal);
        Assert.Contains("product.updated: no webhook points at FuncSync", alert.Message, StringComparison.Ordinal);
        Assert.Contains("delivery URL https://funcsync.test/api/webhooks/woocommerce", alert.NextStep, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PausedBySeller_Alerted_ActiveAgain_Cleared()
    {
        await using var app = await WooCommerceTestApp.StartAsync(azurite);
        await app.LoadAsync("WOO-WATCH-03", 3, 423);
        app.Woo.SetWebhookStatus(WooCommerceSimulator.OrderUpdated, WooCommerceSimulator.WebhookPaused);

        await app.PollAsync();

        var alert = await WaitForAlertAsync(app, AlertStatus.Open);
        Assert.Contains("order.updated: paused", alert.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("order.created", alert.Message, StringComparison.Ordinal);

        app.Woo.ReactivateWebhooks();
        await app.PollAsync();
        await WaitForAlertAsync(app, AlertStatus.Resolved);
    }

    [Fact]
    public async Task ListedActive_ButNoDeliveryAfterACaughtSale_Alerted_ClearedByTheNextDelivery()
    {
        // Every delivery is lost on the way (a host blocking outgoing requests): WooCommerce counts no failure, the
        // webhooks stay active, and only the poll's evidence shows they stopped.
        await using var app = await WooCommerceTestApp.StartAsync(
            azurite,
            new WooCommerceSimulatorOptions { LostShare = 1 },
            new Dictionary<string, string?> { ["WooCommerce:WebhookSilence"] = TimeSpan.Zero.ToString("c", CultureInfo.InvariantCulture) });
        var mapping = await app.LoadAsync("WOO-WATCH-04", 6, 424);
        await app.PollAsync();

        await app.Woo.CheckoutAsync([(WooCommerceTestApp.StockId(mapping), 1)]);
        await app.PollAsync();

        var alert = await WaitForAlertAsync(app, AlertStatus.Open);
        Assert.Contains("no delivery has arrived since a sale", alert.Message, StringComparison.Ordinal);
        Assert.Equal(WooCommerceSimulator.WebhookActive, app.Woo.WebhookStatus(WooCommerceSimulator.OrderCreated));

        app.Woo.Options.LostShare = 0;
        await app.Woo.CheckoutAsync([(WooCommerceTestApp.StockId(mapping), 1)]);
        Assert.Contains(app.Woo.Deliveries, d => d.Status == HttpStatusCode.OK);
        await app.WaitUntilEverywhereAsync(mapping, 4, "the delivered sale shows on every channel");
        await app.SettledAsync();
        await app.PollAsync();

        await WaitForAlertAsync(app, AlertStatus.Resolved);
    }

    private static async Task<AlertView> WaitForAlertAsync(WooCommerceTestApp app, string status)
    {
        var alerts = app.App.App.Services.GetRequiredService<AlertStore>();
        AlertView? view = null;
        await Eventually.WaitAsync(
            async () => (view = (await alerts.GetAsync(AlertId, CancellationToken.None))?.View)?.Status == status,
            TimeSpan.FromSeconds(20),
            $"the webhook alert is {status}");
        return view!;
    }

    private static async Task<string> CardStatusAsync(WooCommerceTestApp app)
    {
        var card = await app.App.App.Services.GetRequiredKeyedService<IChannelConnection>(Channel.WooCommerce).ReadAsync(CancellationToken.None);
        return card.Facts.Single(f => f.Label == "Webhook status").Value;
    }
}

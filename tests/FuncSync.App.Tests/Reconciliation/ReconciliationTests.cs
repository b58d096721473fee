using System.Net;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Domain;
using FuncSync.Etsy;
using FuncSync.Json;
using FuncSync.Reconciliation;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Reconciliation;

/// <summary>Reconciliation end to end: the simulators' listings read over real HTTP, the ledger and pushes on Azurite.</summary>
[Collection(AzuriteTests.Name)]
public sealed class ReconciliationTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Reconcile_EtsyEditedBehindOurBack_FoundAlertedAndCorrected()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("DRIFT-01", 5, 101);
        var steady = new TestItem("DRIFT-02", 3, 102);
        await app.LoadAsync(item, steady);
        await app.DrainedAsync(app.Names.ChannelPushQueue);

        app.Etsy.EditQuantityInShopManager(item.EtsyListingId, item.Sku, 9);
        var found = await app.ReconcileAsync(fix: false);

        Assert.Equal(4, found.Checked);
        var drift = Assert.Single(found.Discrepancies);
        Assert.Equal(new Discrepancy(item.Sku, Channel.Etsy, $"{item.EtsyListingId}:{item.Sku}", 5, 9, "drift", false), drift);
        Assert.Equal(9, app.Etsy.GetQuantity(item.EtsyListingId, item.Sku));
        var alert = Assert.Single(await app.AlertsAsync("Discrepancy"));
        Assert.Equal("open", alert.GetString("Status"));

        var corrected = await app.ReconcileAsync(fix: true);

        Assert.True(Assert.Single(corrected.Discrepancies).Fixed);
        await Eventually.WaitAsync(() => app.Etsy.GetQuantity(item.EtsyListingId, item.Sku) == 5, Deadline, "the push brings Etsy back to 5");
        await app.DrainedAsync(app.Names.ChannelPushQueue);
        var clean = await app.ReconcileAsync(fix: false);
        Assert.Empty(clean.Discrepancies);
        Assert.Equal("resolved", Assert.Single(await app.AlertsAsync("Discrepancy")).GetString("Status"));
        var last = await app.GetJsonAsync("api/reconcile/last", FuncSyncJson.Default.ReconciliationReport);
        Assert.Equal(clean.StartedAt, last.StartedAt);
        Assert.Empty(last.Discrepancies);
    }

    [Fact]
    public async Task Reconcile_EtsySaleNotPolledYet_PendingImportNotDriftAndNotFixed()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite, FuncSync.App.Tests.Etsy.EtsyTestSettings.ManualPolling);
        var item = new TestItem("PENDING-01", 5, 103);
        await app.LoadAsync(item);
        await app.DrainedAsync(app.Names.ChannelPushQueue);

        Assert.NotNull(app.Etsy.PlaceOrder(item.EtsyListingId, item.Sku, 1));
        app.Shopify.SetAvailableWithoutWebhook(item.ShopifyInventoryItemId, TestItem.LocationId, 2);
        var report = await app.ReconcileAsync(fix: true);

        var etsy = Assert.Single(report.Discrepancies, d => d.Channel == Channel.Etsy);
        Assert.Equal(("pending-import", 5, 4, false), (etsy.Kind, etsy.Expected, etsy.Actual, etsy.Fixed));
        var shopify = Assert.Single(report.Discrepancies, d => d.Channel == Channel.Shopify);
        Assert.Equal(("drift", 5, 2, true), (shopify.Kind, shopify.Expected, shopify.Actual, shopify.Fixed));
        Assert.Equal(4, app.Etsy.GetQuantity(item.EtsyListingId, item.Sku));
        var alerts = await app.AlertsAsync("Discrepancy");
        Assert.Equal($"discrepancy:Shopify:{item.ShopifyVariantId}", Assert.Single(alerts).GetString("Key"));

        // Queued for a re-check after the next poll (invisible until then).
        var recheck = await app.Storage.Queue(app.Names.ReconcileRechecksQueue).GetPropertiesAsync();
        Assert.Equal(1, recheck.Value.ApproximateMessagesCount);

        Assert.Equal(HttpStatusCode.OK, (await app.RunTimerAsync(EtsyReceiptPollFunction.Name)).StatusCode);
        await Eventually.WaitAsync(async () => await app.AvailableAsync(item.Sku) == 4, Deadline, "the poll imports the Etsy sale");
        await Eventually.WaitAsync(() => app.Shopify.GetAvailable(item.ShopifyInventoryItemId, TestItem.LocationId) == 4, Deadline, "Shopify is corrected to the new share");
        await app.DrainedAsync(app.Names.ChannelPushQueue);
        var after = await app.ReconcileAsync(fix: false);

        Assert.Empty(after.Discrepancies);
    }

    [Fact]
    public async Task Reconcile_WithoutAdminKey_Unauthorized()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        using var anonymous = new HttpClient { BaseAddress = app.BaseUrl };

        using var response = await anonymous.PostAsync("api/reconcile?fix=true", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Reconcile_FixNotABoolean_BadRequest()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);

        using var response = await app.Http.PostAsync("api/reconcile?fix=maybe", null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}

using System.Net;
using Azure.Data.Tables;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Etsy;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Etsy;

[Collection(AzuriteTests.Name)]
public sealed class EtsyRefundTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task RefundCheck_PartialRefund_RestocksNothingAndAlertsOnceNamingTheSku()
    {
        var item = new TestItem("BOWL-ASH-01", 6, 51);
        var (app, receipt) = await StartWithPolledSaleAsync(item);
        await using var running = app;
        await app.DrainedAsync(app.Names.InventoryEventsQueue);

        app.Etsy.RefundReceipt(receipt.ReceiptId, 10.00m, "other", "Chipped rim, buyer keeps it");
        for (var i = 0; i < 2; i++)
        {
            // Both paths see the refund, twice each: it is alerted once.
            Assert.Equal(HttpStatusCode.OK, (await app.RunTimerAsync(EtsyRefundCheckFunction.Name)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await app.RunTimerAsync(EtsyReceiptPollFunction.Name)).StatusCode);
        }

        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        await app.DrainedAsync(app.Names.AlertsQueue);
        Assert.Equal(4, await app.AvailableAsync(item.Sku));
        var alert = Assert.Single(await RefundAlertsAsync(app));
        Assert.Equal(1, alert.GetInt32("Count"));
        var message = alert.GetString("Message");
        Assert.Contains(receipt.ReceiptId.ToString(System.Globalization.CultureInfo.InvariantCulture), message, StringComparison.Ordinal);
        Assert.Contains("BOWL-ASH-01 x2", message, StringComparison.Ordinal);
        Assert.Contains("10.00 USD of 48.00 USD", message, StringComparison.Ordinal);
        Assert.Contains("a partial refund", message, StringComparison.Ordinal);
        Assert.Contains("nothing was restocked", message, StringComparison.Ordinal);

        // A second refund of the same receipt is a second decision for the seller.
        app.Etsy.RefundReceipt(receipt.ReceiptId, 38.00m, "other", null);
        Assert.Equal(HttpStatusCode.OK, (await app.RunTimerAsync(EtsyRefundCheckFunction.Name)).StatusCode);
        await app.DrainedAsync(app.Names.AlertsQueue);
        var alerts = await RefundAlertsAsync(app);
        Assert.Equal(2, alerts.Count);
        Assert.Contains(alerts, a => a.GetString("Message").Contains("a full refund", StringComparison.Ordinal));
        Assert.Equal(4, await app.AvailableAsync(item.Sku));
    }

    [Fact]
    public async Task RefundCheck_CanceledReceipt_RestockedByTheCancellationAndNotPutToTheSeller()
    {
        var item = new TestItem("BOWL-ASH-02", 6, 52);
        var (app, receipt) = await StartWithPolledSaleAsync(item);
        await using var running = app;
        app.Etsy.CancelReceipt(receipt.ReceiptId);

        Assert.Equal(HttpStatusCode.OK, (await app.RunTimerAsync(EtsyCancellationCheckFunction.Name)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.RunTimerAsync(EtsyRefundCheckFunction.Name)).StatusCode);
        app.Etsy.TouchReceipt(receipt.ReceiptId);
        Assert.Equal(HttpStatusCode.OK, (await app.RunTimerAsync(EtsyReceiptPollFunction.Name)).StatusCode);
        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        await app.DrainedAsync(app.Names.AlertsQueue);

        Assert.Equal(6, await app.AvailableAsync(item.Sku));
        Assert.Empty(await RefundAlertsAsync(app));
    }

    /// <summary>An app whose ledger has seen one Etsy sale of two units of <paramref name="item"/>, through the poll.</summary>
    private async Task<(FuncSyncTestApp App, FuncSync.Simulators.Etsy.EtsyReceiptResult Receipt)> StartWithPolledSaleAsync(TestItem item)
    {
        var app = await FuncSyncTestApp.StartAsync(azurite, EtsyTestSettings.ManualPolling);
        await app.LoadAsync(item);
        var receipt = app.Etsy.PlaceOrder(item.EtsyListingId, item.Sku, 2)!;
        Assert.Equal(HttpStatusCode.OK, (await app.RunTimerAsync(EtsyReceiptPollFunction.Name)).StatusCode);
        return (app, receipt);
    }

    private static async Task<List<TableEntity>> RefundAlertsAsync(FuncSyncTestApp app) =>
        await app.Storage.Table(app.Names.AlertsTable).QueryAsync<TableEntity>(e => e.GetString("Kind") == "RefundReview").ToListAsync();
}

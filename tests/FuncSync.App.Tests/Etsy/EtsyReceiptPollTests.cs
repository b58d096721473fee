using System.Globalization;
using System.Net;
using Azure.Data.Tables;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Etsy;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Etsy;

[Collection(AzuriteTests.Name)]
public sealed class EtsyReceiptPollTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Poll_FailsOnSecondPage_WatermarkUnchangedThenEveryReceiptAppliedOnce()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite, EtsyTestSettings.ManualPolling);
        var item = new TestItem("PRINT-FOX-01", 500, 5);
        await app.LoadAsync(item);
        const int receipts = 150;
        for (var i = 0; i < receipts; i++)
        {
            Assert.NotNull(app.Etsy.PlaceOrder(item.EtsyListingId, item.Sku, 1));
        }

        // Every attempt at the second page fails until the test lifts the fault, retries included.
        var failing = true;
        app.Etsy.InjectFaults(r => failing && r.Path.Value!.EndsWith("/receipts", StringComparison.Ordinal) && r.Query["offset"] == "100", int.MaxValue, 500);

        var failed = await app.RunTimerAsync(EtsyReceiptPollFunction.Name);

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Null(await WatermarkAsync(app));
        Assert.Null((await app.Storage.Queue(app.Names.InventoryEventsQueue).PeekMessageAsync()).Value);
        Assert.Equal(500, await app.AvailableAsync(item.Sku));

        failing = false;
        Assert.Equal(HttpStatusCode.OK, (await app.RunTimerAsync(EtsyReceiptPollFunction.Name)).StatusCode);
        Assert.NotNull(await WatermarkAsync(app));

        // The overlap window makes the next poll read the same receipts again: they must not count twice.
        Assert.Equal(HttpStatusCode.OK, (await app.RunTimerAsync(EtsyReceiptPollFunction.Name)).StatusCode);
        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        Assert.Equal(500 - receipts, await app.AvailableAsync(item.Sku));
        await app.DrainedAsync(app.Names.ChannelPushQueue);
        await Eventually.WaitAsync(
            () => app.Shopify.GetAvailable(item.ShopifyInventoryItemId, TestItem.LocationId) == 500 - receipts,
            TimeSpan.FromSeconds(20),
            "Shopify shows every Etsy sale");
    }

    [Fact]
    public async Task Poll_429sAnd500sOnEveryPage_LosesNothingDuplicatesNothing()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite, EtsyTestSettings.ManualPolling);
        var item = new TestItem("PRINT-OWL-01", 400, 6);
        await app.LoadAsync(item);
        const int receipts = 101;
        for (var i = 0; i < receipts; i++)
        {
            Assert.NotNull(app.Etsy.PlaceOrder(item.EtsyListingId, item.Sku, 1));
        }

        // Each page meets a 429 and a 500 before it is served; the in-invocation retries ride them out.
        var receiptPages = (Microsoft.AspNetCore.Http.HttpRequest r) => r.Path.Value!.EndsWith("/receipts", StringComparison.Ordinal);
        app.Etsy.InjectFaults(r => receiptPages(r) && r.Query["offset"] == "0", 1, 429);
        app.Etsy.InjectFaults(r => receiptPages(r) && r.Query["offset"] == "0", 1, 500);
        app.Etsy.InjectFaults(r => receiptPages(r) && r.Query["offset"] == "100", 1, 500);
        app.Etsy.InjectFaults(r => receiptPages(r) && r.Query["offset"] == "100", 1, 429);

        Assert.Equal(HttpStatusCode.OK, (await app.RunTimerAsync(EtsyReceiptPollFunction.Name)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.RunTimerAsync(EtsyReceiptPollFunction.Name)).StatusCode);
        await app.DrainedAsync(app.Names.InventoryEventsQueue);

        Assert.Equal(400 - receipts, await app.AvailableAsync(item.Sku));
    }

    private static async Task<long?> WatermarkAsync(FuncSyncTestApp app)
    {
        var rows = await app.Storage.Table(app.Names.WatermarksTable).QueryAsync<TableEntity>().ToListAsync();
        var source = string.Create(CultureInfo.InvariantCulture, $"etsy-receipts-{app.Etsy.Options.ShopId}");
        return rows.SingleOrDefault(r => r.RowKey == source)?.GetInt64("Value");
    }
}

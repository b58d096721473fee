using System.Net;
using System.Net.Http.Json;
using FuncSync.Alerts;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Catalog;
using FuncSync.Domain.Ledger;
using FuncSync.Forecasting;
using FuncSync.Json;
using FuncSync.Ledger;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Forecasting;

[Collection(AzuriteTests.Name)]
public sealed class ForecastTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Sales_DownToTheThreshold_ForecastShowsCoverAndLowStockRaisedThenClearedByRestock()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        const string sku = "JAR-HONEY-01";
        await app.ImportAsync(new SkuMapRow(new SkuMapping(sku, "Honey jar") { LeadTimeDays = 10, LowStock = 2 }, 5));
        var now = TimeProvider.System.GetUtcNow();

        for (var day = 3; day >= 1; day--)
        {
            await app.SendEventAsync(new InventoryEventReceived($"sale-{day}", InventoryEventKind.Sale, "test", null, sku, 1, now.AddDays(-day), now, $"#{day}"));
        }

        await Eventually.WaitAsync(async () => await app.AvailableAsync(sku) == 2, TimeSpan.FromSeconds(20), "three sales are applied");
        var forecast = (await app.Http.GetFromJsonAsync($"api/skus/{sku}/forecast", FuncSyncJson.Default.SkuForecast))!;

        Assert.Equal(sku, forecast.Sku);
        Assert.Equal(2, forecast.Available);
        Assert.InRange(forecast.VelocityPerDay, 0.8, 1.1);
        Assert.Equal(10, forecast.LeadTimeDays);
        Assert.InRange(forecast.DaysOfCover!.Value, 1.8, 2.5);
        Assert.True(forecast.ReorderBy < DateOnly.FromDateTime(now.UtcDateTime), "cover shorter than the lead time: the reorder date has passed");
        var low = await app.AlertEventuallyAsync(AlertKind.LowStock, LowStockMonitor.AlertKey(sku), a => a.Status == AlertStatus.Open, "low stock is alerted");
        Assert.Equal(sku, low.Sku);

        (await app.AdjustAsync(sku, """{"delta": 30, "reason": "received"}""")).EnsureSuccessStatusCode();

        await app.AlertEventuallyAsync(AlertKind.LowStock, low.Key, a => a.Status == AlertStatus.Resolved, "the restock clears it");
    }

    [Fact]
    public async Task Forecast_UnknownOrComposedSku_NotFoundOrBadRequest()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        await app.ImportAsync(new SkuMapRow(new SkuMapping("PART-X", "Part"), 3), new SkuMapRow(new SkuMapping("KIT-X", "Kit", [], [new Component("PART-X", 1)]), null));

        Assert.Equal(HttpStatusCode.NotFound, (await app.Http.GetAsync("api/skus/NOPE/forecast")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.Http.GetAsync("api/skus/KIT-X/forecast")).StatusCode);
        var quiet = (await app.Http.GetFromJsonAsync("api/skus/PART-X/forecast", FuncSyncJson.Default.SkuForecast))!;
        Assert.Equal(0, quiet.VelocityPerDay);
        Assert.Null(quiet.DaysOfCover);
        Assert.Null(quiet.ReorderBy);
        Assert.Equal(14, quiet.LeadTimeDays);
    }
}

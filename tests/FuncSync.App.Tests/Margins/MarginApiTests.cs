using System.Net;
using System.Net.Http.Json;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Domain.Costing;
using FuncSync.Domain.Ledger;
using FuncSync.Etsy;
using FuncSync.Json;
using FuncSync.Ledger;
using FuncSync.Shopify;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Margins;

[Collection(AzuriteTests.Name)]
public sealed class MarginApiTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Margins_TwoSalesOfTheLastUnitAndTheCancellation_RevenueCostOversellAndMargin()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("MARGIN-01", 1, 701);
        await app.LoadAtCostAsync(item, 10m);
        var now = TimeProvider.System.GetUtcNow();

        // The Etsy buyer takes the last unit; a Shopify order for it arrives before the push and is cancelled.
        await app.SendSaleAsync("etsy:margin-1", item.Mapping.Etsy!.Ref, 1, Gbp(40m));
        await Eventually.WaitAsync(async () => await app.AvailableAsync(item.Sku) == 0, TimeSpan.FromSeconds(30), "the Etsy sale is applied");
        await app.SendSaleAsync("shopify:margin-2", item.Mapping.Shopify!.Ref, 1, Gbp(38m));
        await Eventually.WaitAsync(async () => await app.AvailableAsync(item.Sku) == -1, TimeSpan.FromSeconds(30), "the Shopify sale is applied");
        await app.SendEventAsync(new InventoryEventReceived("shopify:margin-2:cancel", InventoryEventKind.Cancellation, "shopify", item.Mapping.Shopify!.Ref, null, 1, now, now, "#1002", SoldAt: now, RestockOf: "shopify:margin-2"));
        await Eventually.WaitAsync(async () => await app.AvailableAsync(item.Sku) == 0, TimeSpan.FromSeconds(30), "the cancellation is applied");

        var report = (await app.Http.GetFromJsonAsync("api/margins", FuncSyncJson.Default.MarginList))!;

        var row = Assert.Single(report.Rows);
        Assert.Equal((OrderLines.Month(now), item.Sku, "GBP"), (row.Month, row.Sku, row.Currency));
        Assert.Equal((2, 1, 1), (row.UnitsSold, row.UnitsBack, row.NetUnits));
        Assert.Equal((78m, 38m, 40m), (row.Revenue, row.Refunded, row.NetRevenue));
        Assert.Equal((10m, 10m), (row.UnitCost, row.CostOfGoods));
        Assert.Equal(1, row.Oversold);

        // The calculator's defaults: 4 % of the 38 not refunded, 15 minutes at 30 an hour, 15 of reputation.
        Assert.Equal(1.52m + 7.50m + 15m, row.OversellLoss);
        Assert.Equal(40m - 10m - 24.02m, row.Margin);

        var free = (await app.Http.GetFromJsonAsync("api/margins?feesNotRefundedPercent=0&supportMinutes=0&reputationCost=0", FuncSyncJson.Default.MarginList))!;
        Assert.Equal((0m, 30m), (free.Rows[0].OversellLoss, free.Rows[0].Margin));
        var csv = await app.Http.GetStringAsync("api/margins.csv");
        Assert.StartsWith("month,sku,title,currency,units_sold,units_cancelled_or_returned,net_units,revenue,refunded,net_revenue,unit_cost,cost_of_goods,oversold_units,oversell_cost,margin,margin_percent", csv, StringComparison.Ordinal);
        Assert.Contains($"{row.Month},{item.Sku},{item.Sku},GBP,2,1,1,78.00,38.00,40.00,10.00,10.00,1,24.02,5.98,15.0", csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Margins_SaleRedelivered_CountedOnce()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("MARGIN-02", 5, 702);
        await app.LoadAsync(item);

        await app.SendSaleAsync("etsy:margin-twice", item.Mapping.Etsy!.Ref, 1, Gbp(25m));
        await app.SendSaleAsync("etsy:margin-twice", item.Mapping.Etsy!.Ref, 1, Gbp(25m));
        await Eventually.WaitAsync(async () => await app.AvailableAsync(item.Sku) == 4, TimeSpan.FromSeconds(30), "the sale is applied");
        await app.DrainedAsync(app.Names.InventoryEventsQueue);

        var row = Assert.Single((await app.Http.GetFromJsonAsync("api/margins", FuncSyncJson.Default.MarginList))!.Rows);
        Assert.Equal((1, 25m, (decimal?)null), (row.UnitsSold, row.Revenue, row.Margin));
    }

    [Theory]
    [InlineData("months=0")]
    [InlineData("months=x")]
    [InlineData("supportMinutes=ten")]
    [InlineData("feesNotRefundedPercent=101")]
    public async Task Margins_BadQuery_400WithTheReason(string query)
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);

        var response = await app.Http.GetAsync($"api/margins?{query}");
        var csv = await app.Http.GetAsync($"api/margins.csv?{query}");

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (response.StatusCode, csv.StatusCode));
        Assert.Contains(query.Split('=')[0], (await response.Content.ReadFromJsonAsync(FuncSyncJson.Default.ProblemBody))!.Error, StringComparison.Ordinal);
    }

    private static Money Gbp(decimal amount) => new(amount, "GBP");
}

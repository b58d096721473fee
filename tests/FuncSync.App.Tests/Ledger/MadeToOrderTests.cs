using FuncSync.Alerts;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Catalog;
using FuncSync.Domain.Ledger;
using FuncSync.Ledger;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Ledger;

/// <summary>Made-to-order listings: every channel shows the seller's chosen figure, bounded by materials when the
/// piece lists them, and its own sales never oversell it or run it low.</summary>
[Collection(AzuriteTests.Name)]
public sealed class MadeToOrderTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public void Availability_NoMaterials_TheShownFigureWhateverHasSold()
    {
        var mapping = new SkuMapping("MUG-CUSTOM", "Custom mug") { MadeToOrder = 3 };
        var sold = LedgerStore.NoStock(mapping.Sku) with { Level = new StockLevel(0, Committed: 7) };

        Assert.Equal(3, LedgerStore.Availability(mapping, _ => sold).Available);
        Assert.True(mapping.IsUnlimited);
    }

    [Theory]
    [InlineData(10, 5)] // clay for 5 pieces, the seller shows 5
    [InlineData(4, 2)] // clay for 2 only: the materials bound it
    public void Availability_WithMaterials_TheSmallerOfTheShownFigureAndWhatTheMaterialsMake(int clay, int shown)
    {
        var mapping = new SkuMapping("VASE-CUSTOM", "Custom vase", [new Component("CLAY-KG", 2)]) { MadeToOrder = 5 };
        var stock = LedgerStore.NoStock("CLAY-KG") with { Level = new StockLevel(clay) };

        Assert.Equal(shown, LedgerStore.Availability(mapping, _ => stock).Available);
        Assert.False(mapping.IsUnlimited);
    }

    [Fact]
    public async Task MadeToOrder_SoldPastItsFigure_EveryChannelKeepsShowingItAndNothingIsAlerted()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("MTO-MUG-01", 3, 92);
        var mapping = item.Mapping with { MadeToOrder = 3 };
        app.List(mapping, 3);
        await app.ImportAsync(new SkuMapRow(mapping, null));

        // Four orders, one after another, on a figure of 3: each is made when ordered.
        for (var sold = 1; sold <= 4; sold++)
        {
            Assert.NotNull(await app.Shopify.PlaceOrderAsync([(item.ShopifyVariantId, 1)]));
            var expected = sold;
            await Eventually.WaitAsync(async () => (await app.Ledger.GetStockAsync(item.Sku, CancellationToken.None)).Level.Committed == expected, Deadline, $"sale {sold} is committed");
            await Eventually.WaitAsync(() => app.Shopify.GetAvailable(item.ShopifyInventoryItemId, TestItem.LocationId) == 3, Deadline, $"Shopify shows 3 again after sale {sold}");
        }

        await app.DrainedAsync(app.Names.AlertsQueue);
        Assert.Equal(3, app.Etsy.GetQuantity(item.EtsyListingId, item.Sku));
        Assert.Equal(3, (await app.StatusAsync(item.Sku)).Available);
        var alerts = await app.AlertListAsync("all");
        Assert.DoesNotContain(alerts, a => a.Sku == item.Sku && a.Kind is AlertKind.Oversell or AlertKind.LowStock);
    }

    [Fact]
    public void Csv_MadeToOrderColumn_ReadAndWrittenBack()
    {
        var header = string.Join(',', SkuMapCsv.Columns);
        var rows = SkuMapCsv.Read(new StringReader("sku,title,made_to_order\nMUG-CUSTOM,Custom mug,3\n"));

        var row = Assert.Single(rows);
        Assert.Equal(3, row.Mapping.MadeToOrder);
        Assert.Null(row.Quantity);
        Assert.Contains(",made_to_order", header, StringComparison.Ordinal);
        Assert.Equal("3", SkuMapRowReader.Fields(row.Mapping).ElementAt(SkuMapCsv.Columns.ToList().IndexOf(SkuMapCsv.MadeToOrder)));
    }

    [Fact]
    public void Csv_MadeToOrderWithAQuantity_Refused()
    {
        var parse = SkuMapCsv.Parse(new StringReader("sku,title,quantity,made_to_order\nMUG-CUSTOM,Custom mug,4,3\n"));

        var error = Assert.Single(parse.Errors);
        Assert.Equal(SkuMapCsv.Quantity, error.Column);
    }
}

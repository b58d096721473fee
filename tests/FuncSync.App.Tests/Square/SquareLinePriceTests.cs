using System.Text.Json.Nodes;
using FuncSync.Testing;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Domain;
using FuncSync.Domain.Costing;
using FuncSync.Square;

namespace FuncSync.App.Tests.Square;

/// <summary>A Square sale, online or at the register, carries what the buyer paid for the line (gross sales less the
/// line's discounts, before tax) to the ledger's order line; money that does not read costs the price, not the sale.</summary>
[Collection(AzuriteTests.Name)]
public sealed class SquareLinePriceTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan NoLevelCheck = TimeSpan.FromHours(1);

    [Fact]
    public void Of_DiscountedTaxedLine_GrossSalesLessDiscountWithoutTax()
    {
        var line = JsonNode.Parse("""
            { "uid": "a", "quantity": "2", "base_price_money": { "amount": 1500, "currency": "USD" },
              "gross_sales_money": { "amount": 3000, "currency": "USD" }, "total_discount_money": { "amount": 450, "currency": "USD" },
              "total_tax_money": { "amount": 204, "currency": "USD" }, "total_money": { "amount": 2754, "currency": "USD" } }
            """);

        Assert.Equal(new Money(25.50m, "USD"), SquareLinePrice.Of(line));
    }

    [Fact]
    public void Of_Yen_AmountIsInWholeYen()
    {
        var line = JsonNode.Parse("""{ "gross_sales_money": { "amount": 4400, "currency": "JPY" }, "total_discount_money": { "amount": 0, "currency": "JPY" } }""");

        Assert.Equal(new Money(4400m, "JPY"), SquareLinePrice.Of(line));
    }

    [Theory]
    [InlineData("""{ "quantity": "2" }""")]
    [InlineData("""{ "gross_sales_money": { "amount": "3000", "currency": "USD" } }""")]
    [InlineData("""{ "gross_sales_money": { "amount": 3000 } }""")]
    [InlineData("""{ "gross_sales_money": { "amount": 3000, "currency": "USD" }, "total_discount_money": { "amount": 100, "currency": "EUR" } }""")]
    [InlineData("""{ "gross_sales_money": { "amount": 3000, "currency": "USD" }, "total_discount_money": 100 }""")]
    public void Of_MoneyMissingOrMalformed_NoPrice(string json) => Assert.Null(SquareLinePrice.Of(JsonNode.Parse(json)));

    [Fact]
    public void ForUnits_TwoLinesOfTheVariation_TheirAverageForTheUnits()
    {
        var order = JsonNode.Parse("""
            { "line_items": [
              { "catalog_object_id": "V1", "quantity": "1", "gross_sales_money": { "amount": 1000, "currency": "USD" } },
              { "catalog_object_id": "V2", "quantity": "5", "gross_sales_money": { "amount": 9900, "currency": "USD" } },
              { "catalog_object_id": "V1", "quantity": "3", "gross_sales_money": { "amount": 3000, "currency": "USD" }, "total_discount_money": { "amount": 400, "currency": "USD" } } ] }
            """);

        Assert.Equal(new Money(18.00m, "USD"), SquareLinePrice.ForUnits(order, "V1", 2));
        Assert.Null(SquareLinePrice.ForUnits(order, "V3", 2));
        Assert.Null(SquareLinePrice.ForUnits(null, "V1", 2));
    }

    [Fact]
    public async Task OnlineOrder_TwoUnitsAtAKnownPrice_LedgerKeepsTheLineTotal()
    {
        await using var app = await SquareTestApp.StartAsync(azurite, NoLevelCheck);
        var mapping = await app.LoadAsync("PRICE-SQ-ONLINE-01", 5, 311);
        app.Square.SetVariationPrice(mapping.Square!.VariationId, 13.25m);

        await app.Square.PlaceOnlineOrderAsync([(mapping.Square!.VariationId, 2)], SquareTestApp.Stall);

        var line = await app.App.SoldLineAsync(mapping.Sku, Channel.Square);
        Assert.Equal(2, line.Units);
        Assert.Equal(new Money(26.50m, "USD"), line.Paid);
    }

    [Fact]
    public async Task RegisterSale_TwoUnitsAtAKnownPrice_LedgerKeepsTheLineTotalFromTheRegistersOrder()
    {
        await using var app = await SquareTestApp.StartAsync(azurite, NoLevelCheck);
        var mapping = await app.LoadAsync("PRICE-SQ-STALL-01", 5, 312);
        app.Square.SetVariationPrice(mapping.Square!.VariationId, 9.99m);

        await app.Square.SellAtRegisterAsync(mapping.Square!.VariationId, SquareTestApp.Stall, 2);

        var line = await app.App.SoldLineAsync(mapping.Sku, Channel.Square);
        Assert.Equal(2, line.Units);
        Assert.Equal(new Money(19.98m, "USD"), line.Paid);
    }
}

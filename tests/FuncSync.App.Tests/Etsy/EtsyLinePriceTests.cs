using System.Net;
using System.Text.Json;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Domain;
using FuncSync.Domain.Costing;
using FuncSync.Etsy;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Etsy;

/// <summary>An Etsy sale carries the transaction's unit price times its quantity to the ledger's order line; a price that
/// does not read costs the price, not the sale.</summary>
[Collection(AzuriteTests.Name)]
public sealed class EtsyLinePriceTests(AzuriteFixture azurite)
{
    [Fact]
    public void Sales_TransactionPriceMoney_UnitPriceTimesQuantity()
    {
        var receipt = Receipt("""{ "amount": 1875, "divisor": 100, "currency_code": "EUR" }""", quantity: 3);

        var sale = Assert.Single(EtsyReceiptEvents.Sales([receipt], DateTimeOffset.UnixEpoch));

        Assert.Equal(new Money(56.25m, "EUR"), sale.LineTotal);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("\"18.75\"")]
    [InlineData("""{ "amount": "1875", "divisor": 100, "currency_code": "EUR" }""")]
    [InlineData("""{ "amount": 1875, "divisor": 0, "currency_code": "EUR" }""")]
    [InlineData("""{ "amount": 1875, "divisor": 100 }""")]
    [InlineData("""{ "amount": -1875, "divisor": 100, "currency_code": "EUR" }""")]
    public void Sales_PriceMissingOrMalformed_SaleKeptWithoutLineTotal(string price)
    {
        var receipt = Receipt(price, quantity: 2);

        var sale = Assert.Single(EtsyReceiptEvents.Sales([receipt], DateTimeOffset.UnixEpoch));

        Assert.Equal(2, sale.Quantity);
        Assert.Null(sale.LineTotal);
    }

    [Fact]
    public async Task Poll_TwoUnitsAtTheListingsPrice_LedgerKeepsTheLineTotal()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite, EtsyTestSettings.ManualPolling);
        var item = new TestItem("PRICE-ETSY-01", 10, 73);
        await app.LoadAsync(item);
        var unit = app.Etsy.GetPrice(item.EtsyListingId, item.Sku);

        Assert.NotNull(app.Etsy.PlaceOrder(item.EtsyListingId, item.Sku, 2));
        Assert.Equal(HttpStatusCode.OK, (await app.RunTimerAsync(EtsyReceiptPollFunction.Name)).StatusCode);

        var line = await app.SoldLineAsync(item.Sku, Channel.Etsy);
        Assert.Equal(2, line.Units);
        Assert.Equal(new Money(unit * 2, "USD"), line.Paid);
    }

    private static EtsyReceipt Receipt(string price, int quantity) => JsonSerializer.Deserialize(
        $$"""
        { "receipt_id": 5, "status": "Paid", "create_timestamp": 1767225600, "update_timestamp": 1767225600,
          "transactions": [ { "transaction_id": 6, "listing_id": 7, "sku": "MUG-1", "quantity": {{quantity}}, "price": {{price}} } ] }
        """,
        EtsyJson.Default.EtsyReceipt)!;
}

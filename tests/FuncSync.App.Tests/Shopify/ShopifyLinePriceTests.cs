using System.Text.Json;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Domain;
using FuncSync.Domain.Costing;
using FuncSync.Shopify;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Shopify;

/// <summary>A Shopify sale carries what the buyer paid for the line (price × quantity less the line's own discounts) to
/// the ledger's order line, by webhook or by the orders poll; a price that does not read costs the price, not the sale.</summary>
[Collection(AzuriteTests.Name)]
public sealed class ShopifyLinePriceTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset At = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Of_LineWithItsOwnAndAnOrderLevelAllocation_SubtractsOnlyItsOwn()
    {
        var order = Parse("""
            { "id": 9, "currency": "GBP",
              "discount_applications": [
                { "target_type": "line_item", "target_selection": "entitled", "allocation_method": "across", "value": "5.0" },
                { "target_type": "line_item", "target_selection": "all", "allocation_method": "across", "value": "10.0" } ],
              "line_items": [ { "id": 1, "variant_id": 41, "quantity": 2, "price": "19.99", "variant_inventory_management": "shopify",
                "discount_allocations": [ { "amount": "5.00", "discount_application_index": 0 }, { "amount": "3.50", "discount_application_index": 1 } ] } ] }
            """);

        var sale = Assert.Single(ShopifyEventTranslator.Sales(order, At, At, _ => { }));

        Assert.Equal(new Money(34.98m, "GBP"), sale.LineTotal);
    }

    [Fact]
    public void Of_NoDiscounts_PriceTimesQuantity()
    {
        var order = Parse("""{ "id": 9, "currency": "usd", "line_items": [ { "id": 1, "variant_id": 41, "quantity": 3, "price": "7.25", "discount_allocations": [] } ] }""");

        Assert.Equal(new Money(21.75m, "USD"), ShopifyLinePrice.Of(order, order.LineItems[0]));
    }

    [Theory]
    [InlineData("""{ "id": 9, "currency": "USD", "line_items": [ { "id": 1, "variant_id": 41, "quantity": 2 } ] }""")]
    [InlineData("""{ "id": 9, "currency": "USD", "line_items": [ { "id": 1, "variant_id": 41, "quantity": 2, "price": { "amount": 1 } } ] }""")]
    [InlineData("""{ "id": 9, "currency": "USD", "line_items": [ { "id": 1, "variant_id": 41, "quantity": 2, "price": "twelve" } ] }""")]
    [InlineData("""{ "id": 9, "currency": 840, "line_items": [ { "id": 1, "variant_id": 41, "quantity": 2, "price": "12.00" } ] }""")]
    [InlineData("""{ "id": 9, "line_items": [ { "id": 1, "variant_id": 41, "quantity": 2, "price": "12.00" } ] }""")]
    [InlineData("""{ "id": 9, "currency": "USD", "line_items": [ { "id": 1, "variant_id": 41, "quantity": 2, "price": "12.00", "discount_allocations": "5.00" } ] }""")]
    [InlineData("""{ "id": 9, "currency": "USD", "line_items": [ { "id": 1, "variant_id": 41, "quantity": 2, "price": "12.00", "discount_allocations": [ { "amount": null } ] } ] }""")]
    [InlineData("""{ "id": 9, "currency": "USD", "line_items": [ { "id": 1, "variant_id": 41, "quantity": 2, "price": "12.00", "discount_allocations": [ { "amount": "30.00" } ] } ] }""")]
    public void Sales_PriceMissingOrMalformed_SaleKeptWithoutLineTotal(string body)
    {
        var order = Parse(body);

        var sale = Assert.Single(ShopifyEventTranslator.Sales(order, At, At, _ => { }));

        Assert.Equal(2, sale.Quantity);
        Assert.Null(sale.LineTotal);
    }

    [Fact]
    public async Task OrdersCreate_TwoUnitsAtAKnownPrice_LedgerKeepsTheLineTotal()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("PRICE-SHOP-01", 10, 71);
        await app.LoadAsync(item);
        app.Shopify.SetVariantPrice(item.ShopifyVariantId, 12.50m);

        Assert.NotNull(await app.Shopify.PlaceOrderAsync([(item.ShopifyVariantId, 2)]));

        var line = await app.SoldLineAsync(item.Sku, Channel.Shopify);
        Assert.Equal(2, line.Units);
        Assert.Equal(new Money(25.00m, "USD"), line.Paid);
    }

    [Fact]
    public async Task Poll_SaleWebhookLost_LedgerKeepsTheLineTotalFromDiscountedTotalSet()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite, new Dictionary<string, string?> { ["Shopify:OrderPollSettle"] = "00:00:00" });
        var item = new TestItem("PRICE-POLL-01", 10, 72);
        await app.LoadAsync(item);
        app.Shopify.SetVariantPrice(item.ShopifyVariantId, 8.40m);

        // The first pass only sets where the poll starts from.
        await PollAsync(app);
        app.Shopify.LoseWebhooks("orders/create");
        Assert.NotNull(await app.Shopify.PlaceOrderAsync([(item.ShopifyVariantId, 2)]));
        await PollAsync(app);

        var line = await app.SoldLineAsync(item.Sku, Channel.Shopify);
        Assert.Equal(2, line.Units);
        Assert.Equal(new Money(16.80m, "USD"), line.Paid);
    }

    private static async Task PollAsync(FuncSyncTestApp app)
    {
        var run = await app.RunTimerAsync(ShopifyOrderPollFunction.Name);
        Assert.True(run.IsSuccessStatusCode, await run.Content.ReadAsStringAsync());
    }

    private static ShopifyOrder Parse(string json) => JsonSerializer.Deserialize(json, ShopifyJson.Default.ShopifyOrder)!;
}

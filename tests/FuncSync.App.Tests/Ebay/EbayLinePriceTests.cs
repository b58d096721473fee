using System.Text.Json.Nodes;
using FuncSync.Domain.Costing;
using FuncSync.Domain.Ledger;
using FuncSync.Ebay;

namespace FuncSync.App.Tests.Ebay;

/// <summary>The line price an eBay order's sale carries: the line's cost after its promotions, before delivery and tax.</summary>
public sealed class EbayLinePriceTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Events_NoPromotion_SaleCarriesTheLineItemCostNotTheTotal()
    {
        var line = Line();
        line["lineItemCost"] = Amount("30.00", "GBP");
        line["total"] = Amount("36.95", "GBP"); // with delivery and VAT

        Assert.Equal(new Money(30.00m, "GBP"), Sale(line).LineTotal);
    }

    [Fact]
    public void Events_PromotionDiscountedTheLine_SaleCarriesTheDiscountedCost()
    {
        var line = Line();
        line["lineItemCost"] = Amount("40.00", "USD");
        line["discountedLineItemCost"] = Amount("30.00", "USD");
        line["appliedPromotions"] = new JsonArray(new JsonObject { ["discountAmount"] = Amount("10.00", "USD") });

        Assert.Equal(new Money(30.00m, "USD"), Sale(line).LineTotal);
    }

    [Fact]
    public void Events_CostMissingOrMalformed_SaleStillCountsWithoutAPrice()
    {
        var missing = Line();
        var malformed = Line();
        malformed["lineItemCost"] = new JsonObject { ["value"] = "forty", ["currency"] = "USD" };
        var wrongShape = Line();
        wrongShape["lineItemCost"] = new JsonArray("40.00");

        foreach (var line in new[] { missing, malformed, wrongShape })
        {
            var sale = Sale(line);
            Assert.Equal(2, sale.Quantity);
            Assert.Null(sale.LineTotal);
        }
    }

    private static FuncSync.Ledger.InventoryEventReceived Sale(JsonObject line)
    {
        var order = new JsonObject
        {
            ["orderId"] = "01-00001-00007",
            ["creationDate"] = "2026-12-03T09:59:00.000Z",
            ["lineItems"] = new JsonArray(line),
        };
        return EbayOrders.Events(order, Now, null, _ => { }).Single(e => e.Kind == InventoryEventKind.Sale);
    }

    private static JsonObject Line() => new() { ["lineItemId"] = "10001", ["sku"] = "MUG-RED", ["quantity"] = 2 };

    private static JsonObject Amount(string value, string currency) => new() { ["value"] = value, ["currency"] = currency };
}

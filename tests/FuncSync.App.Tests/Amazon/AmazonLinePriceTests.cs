using System.Text.Json.Nodes;
using FuncSync.Amazon;
using FuncSync.Domain.Costing;

namespace FuncSync.App.Tests.Amazon;

/// <summary>The line price an Amazon order item gives its sale: ItemPrice (the whole quantity) less PromotionDiscount.</summary>
public sealed class AmazonLinePriceTests
{
    [Fact]
    public void LineTotal_Promotion_TakenOffTheItemPrice()
    {
        var item = new JsonObject
        {
            ["ItemPrice"] = Money("USD", "32.00"),
            ["ItemTax"] = Money("USD", "2.56"),
            ["PromotionDiscount"] = Money("USD", "3.20"),
        };

        Assert.Equal(new Money(28.80m, "USD"), AmazonOrderView.LineTotal(item));
    }

    [Fact]
    public void LineTotal_DiscountMissingOrUnreadable_ItemPriceAlone()
    {
        var item = new JsonObject { ["ItemPrice"] = Money("GBP", "19.99"), ["PromotionDiscount"] = Money("GBP", "n/a") };

        Assert.Equal(new Money(19.99m, "GBP"), AmazonOrderView.LineTotal(item));
    }

    [Fact]
    public void LineTotal_ItemPriceMissingOrMalformed_Null()
    {
        Assert.Null(AmazonOrderView.LineTotal(new JsonObject()));
        Assert.Null(AmazonOrderView.LineTotal(new JsonObject { ["ItemPrice"] = Money("USD", "") }));
        Assert.Null(AmazonOrderView.LineTotal(new JsonObject { ["ItemPrice"] = "32.00" }));
    }

    [Fact]
    public void FromOrdersApi_ItemWithoutPrice_LineKeptWithoutIt()
    {
        var order = new JsonObject { ["AmazonOrderId"] = "113-0000001-0000001", ["OrderStatus"] = "Unshipped", ["FulfillmentChannel"] = "MFN" };
        var items = new JsonNode[]
        {
            new JsonObject { ["OrderItemId"] = "1", ["SellerSKU"] = "A", ["QuantityOrdered"] = 2, ["ItemPrice"] = Money("USD", "10.00") },
            new JsonObject { ["OrderItemId"] = "2", ["SellerSKU"] = "B", ["QuantityOrdered"] = 1 },
        };

        var sales = AmazonOrderIntake.Events(AmazonOrderView.FromOrdersApi(order, items), DateTimeOffset.UnixEpoch);

        Assert.Equal([new Money(10.00m, "USD"), null], sales.Select(s => s.LineTotal));
    }

    private static JsonObject Money(string currency, string amount) => new() { ["CurrencyCode"] = currency, ["Amount"] = amount };
}

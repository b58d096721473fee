using System.Text.Json.Nodes;
using FuncSync.Domain.Costing;
using FuncSync.Domain.Ledger;
using FuncSync.Ledger;
using FuncSync.WooCommerce;

namespace FuncSync.App.Tests.WooCommerce;

/// <summary>The line price a WooCommerce order's sale carries: the line's total after coupons, before tax.</summary>
public sealed class WooCommerceLinePriceTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Translate_CouponTookOffTheLine_SaleCarriesTheTotalNotTheSubtotal()
    {
        var order = Order("GBP", Line(total: "22.50", subtotal: "25.00"));

        var sale = Sale(order);

        Assert.Equal(new Money(22.50m, "GBP"), sale.LineTotal);
    }

    [Theory]
    [InlineData(null, "EUR")]
    [InlineData("twelve", "EUR")]
    [InlineData("-3.00", "EUR")]
    [InlineData("12.00", null)]
    [InlineData("12.00", "euro")]
    public void Translate_PriceMissingOrMalformed_SaleStillCountsWithoutAPrice(string? total, string? currency)
    {
        var order = Order(currency, Line(total, subtotal: "12.00"));

        var sale = Sale(order);

        Assert.Equal(2, sale.Quantity);
        Assert.Null(sale.LineTotal);
    }

    [Fact]
    public void Translate_CancelledAfterPayment_OnlyTheSaleCarriesThePrice()
    {
        var order = Order("USD", Line("30.00", "30.00"));
        order["status"] = "cancelled";

        var events = Translate(order);

        Assert.Equal(new Money(30.00m, "USD"), events.Single(e => e.Event.Kind == InventoryEventKind.Sale).Event.LineTotal);
        Assert.Null(events.Single(e => e.Event.Kind == InventoryEventKind.Cancellation).Event.LineTotal);
    }

    private static InventoryEventReceived Sale(JsonObject order) =>
        Translate(order).Single(e => e.Event.Kind == InventoryEventKind.Sale).Event;

    // Read back from text, as the webhook and the poll read it (a JsonValue built from a CLR int reads only as an int).
    private static IReadOnlyList<WooCommerceOrderEvents.OrderEvent> Translate(JsonObject order) =>
        WooCommerceOrderEvents.Translate(JsonNode.Parse(order.ToJsonString())!, Now)!;

    private static JsonObject Order(string? currency, JsonObject line) => new()
    {
        ["id"] = 5001,
        ["number"] = "5001",
        ["status"] = "processing",
        ["currency"] = currency,
        ["date_created_gmt"] = "2026-12-03T09:59:00",
        ["date_paid_gmt"] = "2026-12-03T09:59:30",
        ["date_modified_gmt"] = "2026-12-03T09:59:30",
        ["line_items"] = new JsonArray(line),
    };

    private static JsonObject Line(string? total, string? subtotal) => new()
    {
        ["id"] = 71,
        ["product_id"] = 90001,
        ["variation_id"] = 0,
        ["quantity"] = 2,
        ["subtotal"] = subtotal,
        ["subtotal_tax"] = "0.00",
        ["total"] = total,
        ["total_tax"] = "0.00",
        ["meta_data"] = new JsonArray(),
    };
}

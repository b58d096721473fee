using System.Text.Json;
using FuncSync.Domain.Ledger;

namespace FuncSync.Shopify;

/// <summary>What a signed Shopify payload must hold before it is translated. The serializer refuses a wrong type or
/// an explicit null, but not a missing array, a null inside one, or a quantity no order can have; each of those is a
/// <see cref="JsonException"/> here, so the body is kept for inspection and answered 400, and nothing is queued.</summary>
internal static class ShopifyPayloadRules
{
    public static void Check(ShopifyOrder order)
    {
        Id(order.Id, "id");
        var lines = Required(order.LineItems, "line_items");
        foreach (var line in lines)
        {
            Check(Element(line, "line_items"), "line_items");
        }

        foreach (var fulfillment in order.Fulfillments ?? [])
        {
            foreach (var line in Element(fulfillment, "fulfillments").LineItems ?? [])
            {
                Quantity(Element(line, "fulfillments.line_items").Quantity, "fulfillments.line_items");
            }
        }
    }

    public static void Check(ShopifyFulfillmentUpdate fulfillment)
    {
        Id(fulfillment.Id, "id");
        Id(fulfillment.OrderId, "order_id");
        foreach (var line in Required(fulfillment.LineItems, "line_items"))
        {
            Check(Element(line, "line_items"), "line_items");
        }
    }

    public static void Check(ShopifyRefund refund)
    {
        Id(refund.Id, "id");
        foreach (var line in Required(refund.RefundLineItems, "refund_line_items"))
        {
            Id(Element(line, "refund_line_items").Id, "refund_line_items.id");
            Quantity(line.Quantity, "refund_line_items");
            if (line.LineItem is { } item)
            {
                Check(item, "refund_line_items.line_item");
            }
        }
    }

    public static void Check(ShopifyProduct product)
    {
        Id(product.Id, "id");
        foreach (var variant in Required(product.Variants, "variants"))
        {
            Element(variant, "variants");
        }
    }

    public static void Check(ShopifyInventoryLevel level)
    {
        Id(level.InventoryItemId, "inventory_item_id");
        Id(level.LocationId, "location_id");
        if (level.Available is { } available && Math.Abs((long)available) > StockRules.MaxQuantityPerEvent)
        {
            throw new JsonException($"available {available} is beyond ±{StockRules.MaxQuantityPerEvent}.");
        }
    }

    private static void Check(ShopifyLineItem line, string where)
    {
        Id(line.Id, where + ".id");
        Quantity(line.Quantity, where);
    }

    // Shopify's ids are positive; a missing one reads as 0 and would key events and watermarks to nothing.
    private static void Id(long id, string name)
    {
        if (id <= 0)
        {
            throw new JsonException($"{name} is missing or not a positive id.");
        }
    }

    private static void Quantity(int quantity, string where)
    {
        if (quantity is < 0 or > StockRules.MaxQuantityPerEvent)
        {
            throw new JsonException($"{where}: quantity {quantity} is not between 0 and {StockRules.MaxQuantityPerEvent}.");
        }
    }

    // The records declare these non-nullable, which is what Shopify promises; a body that breaks the promise is refused.
    private static IReadOnlyList<T> Required<T>(IReadOnlyList<T>? list, string name) =>
        list ?? throw new JsonException($"{name} is missing.");

    private static T Element<T>(T? element, string name)
        where T : class =>
        element ?? throw new JsonException($"{name} holds a null.");
}

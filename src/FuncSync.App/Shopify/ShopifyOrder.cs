using System.Text.Json;
using System.Text.Json.Serialization;
using FuncSync.Domain.Costing;

namespace FuncSync.Shopify;

/// <summary>The fields of Shopify's REST Order payload (orders/create, orders/paid, orders/cancelled) that move stock.</summary>
public sealed record ShopifyOrder(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("created_at")] DateTimeOffset? CreatedAt,
    [property: JsonPropertyName("line_items")] IReadOnlyList<ShopifyLineItem> LineItems)
{
    [JsonPropertyName("cancelled_at")]
    public DateTimeOffset? CancelledAt { get; init; }

    [JsonPropertyName("fulfillments")]
    public IReadOnlyList<ShopifyFulfillment>? Fulfillments { get; init; }

    /// <summary>The shop's currency, which <c>price</c> and the discount allocations' <c>amount</c> are in.</summary>
    [JsonPropertyName("currency")]
    [JsonConverter(typeof(ShopifyLenientTextConverter))]
    public string? Currency { get; init; }

    /// <summary>The order's discount applications, which a line's <c>discount_allocations</c> point into by index. Kept raw:
    /// only the price reads them, and a shape it does not expect must cost the price, not the sale.</summary>
    [JsonPropertyName("discount_applications")]
    public JsonElement? DiscountApplications { get; init; }
}

/// <param name="VariantId">Null for custom line items, which have no stock to move.</param>
/// <param name="InventoryManagement">"shopify" when Shopify tracks the variant's stock.</param>
public sealed record ShopifyLineItem(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("variant_id")] long? VariantId,
    [property: JsonPropertyName("sku")] string? Sku,
    [property: JsonPropertyName("quantity")] int Quantity,
    [property: JsonPropertyName("variant_inventory_management")] string? InventoryManagement)
{
    /// <summary>null (nothing shipped), <c>partial</c> or <c>fulfilled</c>.</summary>
    [JsonPropertyName("fulfillment_status")]
    public string? FulfillmentStatus { get; init; }

    /// <summary>The unit price before discounts, in the shop's currency (a string such as "199.00"); null when missing or
    /// not a number.</summary>
    [JsonPropertyName("price")]
    [JsonConverter(typeof(ShopifyLenientAmountConverter))]
    public decimal? Price { get; init; }

    /// <summary>What each discount application took off this line (<c>amount</c>, <c>discount_application_index</c>).
    /// Kept raw, like the applications.</summary>
    [JsonPropertyName("discount_allocations")]
    public JsonElement? DiscountAllocations { get; init; }

    /// <summary>The line's total after its own discounts as the GraphQL orders poll reads it (<c>discountedTotalSet</c>);
    /// the webhook's lines compute it from <see cref="Price"/> and <see cref="DiscountAllocations"/> instead.</summary>
    [JsonIgnore]
    public Money? DiscountedTotal { get; init; }
}

/// <param name="Status"><c>pending</c>, <c>open</c>, <c>success</c>, <c>cancelled</c>, <c>error</c> or <c>failure</c>.</param>
public sealed record ShopifyFulfillment(
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("line_items")] IReadOnlyList<ShopifyFulfilledLine>? LineItems)
{
    [JsonPropertyName("id")]
    public long Id { get; init; }

    [JsonPropertyName("created_at")]
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>For a cancelled fulfilment, when it was cancelled (its last change).</summary>
    [JsonPropertyName("updated_at")]
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>A cancelled or failed fulfilment gave its units back; only live ones took stock away.</summary>
    public bool IsLive => Status is not ("cancelled" or "error" or "failure");

    /// <summary>Shipped, then undone: its units came back to the shelf, still owed to the order. (An error or a
    /// failure never shipped anything.)</summary>
    public bool IsCancelled => string.Equals(Status, "cancelled", StringComparison.Ordinal);
}

/// <summary>The REST Fulfillment payload of fulfillments/update: the fulfilment with its order's id and the order
/// lines it ships, each with its variant.</summary>
public sealed record ShopifyFulfillmentUpdate(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("order_id")] long OrderId,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("line_items")] IReadOnlyList<ShopifyLineItem> LineItems)
{
    /// <summary>"#1001.1": the order's name and the fulfilment's number.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("created_at")]
    public DateTimeOffset? CreatedAt { get; init; }

    [JsonPropertyName("updated_at")]
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>The same fulfilment as the order payloads show it, inside an order of just its lines, so one
    /// translation serves both.</summary>
    public ShopifyOrder AsOrder() => new(OrderId, Name, null, LineItems)
    {
        Fulfillments = [new ShopifyFulfillment(Status, [.. LineItems.Select(l => new ShopifyFulfilledLine(l.Id, l.Quantity))]) { Id = Id, CreatedAt = CreatedAt, UpdatedAt = UpdatedAt }],
    };
}

public sealed record ShopifyFulfilledLine(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("quantity")] int Quantity);

/// <summary>The REST Refund payload of refunds/create.</summary>
public sealed record ShopifyRefund(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("order_id")] long OrderId,
    [property: JsonPropertyName("created_at")] DateTimeOffset? CreatedAt,
    [property: JsonPropertyName("refund_line_items")] IReadOnlyList<ShopifyRefundLineItem> RefundLineItems);

/// <param name="RestockType"><c>no_restock</c>, <c>cancel</c> (unfulfilled units), <c>return</c>
/// (fulfilled units came back) or the deprecated <c>legacy_restock</c> on old refunds.</param>
public sealed record ShopifyRefundLineItem(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("line_item_id")] long LineItemId,
    [property: JsonPropertyName("quantity")] int Quantity,
    [property: JsonPropertyName("restock_type")] string? RestockType,
    [property: JsonPropertyName("location_id")] long? LocationId,
    [property: JsonPropertyName("line_item")] ShopifyLineItem? LineItem);

/// <summary>The inventory_levels/update payload: the absolute "available" at one location.</summary>
public sealed record ShopifyInventoryLevel(
    [property: JsonPropertyName("inventory_item_id")] long InventoryItemId,
    [property: JsonPropertyName("location_id")] long LocationId,
    [property: JsonPropertyName("available")] int? Available,
    [property: JsonPropertyName("updated_at")] DateTimeOffset? UpdatedAt);

/// <summary>The products/update payload, as far as the mapping audit needs it.</summary>
public sealed record ShopifyProduct(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("title")] string? Title,
    [property: JsonPropertyName("variants")] IReadOnlyList<ShopifyProductVariant> Variants);

public sealed record ShopifyProductVariant(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("sku")] string? Sku,
    [property: JsonPropertyName("inventory_item_id")] long? InventoryItemId,
    [property: JsonPropertyName("title")] string? Title)
{
    /// <summary><c>shopify</c> while "Track quantity" is on; null (or a fulfilment service) otherwise.</summary>
    [JsonPropertyName("inventory_management")]
    public string? InventoryManagement { get; init; }

    /// <summary><c>deny</c>, or <c>continue</c>: "Continue selling when out of stock".</summary>
    [JsonPropertyName("inventory_policy")]
    public string? InventoryPolicy { get; init; }
}

/// <summary>A Shopify inventory level moved; checked after a settling delay (see <see cref="ShopifyLevelCheckFunction"/>).</summary>
public sealed record ShopifyLevelChanged(
    string EventId,
    long InventoryItemId,
    long LocationId,
    int? Available,
    DateTimeOffset TriggeredAt,
    DateTimeOffset ReceivedAt);

[JsonSourceGenerationOptions(RespectNullableAnnotations = true)]
[JsonSerializable(typeof(ShopifyOrder))]
[JsonSerializable(typeof(ShopifyRefund))]
[JsonSerializable(typeof(ShopifyFulfillmentUpdate))]
[JsonSerializable(typeof(ShopifyInventoryLevel))]
[JsonSerializable(typeof(ShopifyProduct))]
[JsonSerializable(typeof(ShopifyLevelChanged))]
[JsonSerializable(typeof(ShopifySubscriptionReport))]
[JsonSerializable(typeof(GuardedListing))]
internal sealed partial class ShopifyJson : JsonSerializerContext;

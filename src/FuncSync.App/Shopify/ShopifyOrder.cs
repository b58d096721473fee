using System.Text.Json.Serialization;

namespace FuncSync.Shopify;

/// <summary>The fields of Shopify's REST Order payload (orders/create) that move stock.</summary>
public sealed record ShopifyOrder(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("created_at")] DateTimeOffset? CreatedAt,
    [property: JsonPropertyName("line_items")] IReadOnlyList<ShopifyLineItem> LineItems);

/// <param name="VariantId">Null for custom line items, which have no stock to move.</param>
/// <param name="InventoryManagement">"shopify" when Shopify tracks the variant's stock.</param>
public sealed record ShopifyLineItem(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("variant_id")] long? VariantId,
    [property: JsonPropertyName("sku")] string? Sku,
    [property: JsonPropertyName("quantity")] int Quantity,
    [property: JsonPropertyName("variant_inventory_management")] string? InventoryManagement);

[JsonSourceGenerationOptions(RespectNullableAnnotations = true)]
[JsonSerializable(typeof(ShopifyOrder))]
internal sealed partial class ShopifyJson : JsonSerializerContext;

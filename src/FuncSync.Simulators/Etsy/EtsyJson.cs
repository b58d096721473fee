using System.Text.Json.Nodes;
using FuncSync.Simulators.Hosting;

namespace FuncSync.Simulators.Etsy;

/// <summary>The Open API v3 response shapes (snake_case, Money objects in minor units).</summary>
internal static class EtsyJson
{
    public static JsonObject Error(string message) => new() { ["error"] = message };

    public static JsonObject Money(long minor, string currency) => new()
    {
        ["amount"] = minor,
        ["divisor"] = 100,
        ["currency_code"] = currency,
    };

    public static JsonObject Inventory(EtsyListing listing, string currency) => new()
    {
        ["products"] = SimulatorJson.Array(listing.Products.Select(p => (JsonNode?)new JsonObject
        {
            ["product_id"] = p.ProductId,
            ["sku"] = p.Sku,
            ["is_deleted"] = false,
            ["offerings"] = new JsonArray(new JsonObject
            {
                ["offering_id"] = p.OfferingId,
                ["quantity"] = p.Quantity,
                ["is_enabled"] = p.IsEnabled,
                ["is_deleted"] = false,
                ["price"] = Money(p.PriceMinor, currency),
                ["readiness_state_id"] = p.ReadinessStateId,
            }),
            ["property_values"] = SimulatorJson.Array(p.PropertyValues.Select(v => (JsonNode?)new JsonObject
            {
                ["property_id"] = v.PropertyId,
                ["property_name"] = v.PropertyName,
                ["scale_id"] = null,
                ["scale_name"] = null,
                ["value_ids"] = new JsonArray(v.ValueId),
                ["values"] = new JsonArray(v.Value),
            })),
        })),
        ["price_on_property"] = Ids(listing.PriceOnProperty),
        ["quantity_on_property"] = Ids(listing.QuantityOnProperty),
        ["sku_on_property"] = Ids(listing.SkuOnProperty),
        ["readiness_state_on_property"] = Ids(listing.ReadinessStateOnProperty),
        ["listing"] = null,
    };

    public static JsonObject Listing(EtsyListing listing, long shopId, long userId, string currency) => new()
    {
        ["listing_id"] = listing.ListingId,
        ["user_id"] = userId,
        ["shop_id"] = shopId,
        ["title"] = listing.Title,
        ["description"] = "",
        ["state"] = listing.State,
        ["quantity"] = listing.EnabledQuantity,
        ["url"] = $"https://www.etsy.com/listing/{listing.ListingId}",
        ["creation_timestamp"] = listing.CreatedAt,
        ["created_timestamp"] = listing.CreatedAt,
        ["last_modified_timestamp"] = listing.UpdatedAt,
        ["updated_timestamp"] = listing.UpdatedAt,
        ["has_variations"] = listing.Products.Any(p => p.PropertyValues.Count > 0),
        ["skus"] = SimulatorJson.Array(listing.Products.Select(p => (JsonNode?)p.Sku)),
        ["price"] = Money(listing.Products.Min(p => p.PriceMinor), currency),
    };

    public static JsonObject Receipt(EtsyReceipt receipt, long sellerUserId, string currency)
    {
        var total = receipt.TotalMinor;
        return new JsonObject
        {
            ["receipt_id"] = receipt.ReceiptId,
            ["receipt_type"] = 0,
            ["seller_user_id"] = sellerUserId,
            ["buyer_user_id"] = receipt.BuyerUserId,
            ["status"] = receipt.Status,
            ["is_paid"] = receipt.IsPaid,
            ["is_shipped"] = receipt.IsShipped,
            ["create_timestamp"] = receipt.CreatedAt,
            ["created_timestamp"] = receipt.CreatedAt,
            ["update_timestamp"] = receipt.UpdatedAt,
            ["updated_timestamp"] = receipt.UpdatedAt,
            ["grandtotal"] = Money(total, currency),
            ["subtotal"] = Money(total, currency),
            ["total_price"] = Money(total, currency),
            ["transactions"] = SimulatorJson.Array(receipt.Transactions.Select(t => (JsonNode?)Transaction(t, receipt, sellerUserId, currency))),
            ["refunds"] = SimulatorJson.Array(receipt.Refunds.Select(r => (JsonNode?)new JsonObject
            {
                ["amount"] = Money(r.AmountMinor, currency),
                ["created_timestamp"] = r.CreatedAt,
                ["reason"] = r.Reason,
                ["note_from_issuer"] = r.NoteFromIssuer,
                ["status"] = r.Status,
            })),
            ["shipments"] = receipt.ShippedAt is { } shipped
                ? new JsonArray(new JsonObject
                {
                    ["receipt_shipping_id"] = receipt.ReceiptId + 1,
                    ["shipment_notification_timestamp"] = shipped,
                    ["carrier_name"] = "usps",
                    ["tracking_code"] = null,
                })
                : new JsonArray(),
        };
    }

    private static JsonObject Transaction(EtsyTransaction t, EtsyReceipt receipt, long sellerUserId, string currency) => new()
    {
        ["transaction_id"] = t.TransactionId,
        ["title"] = t.Title,
        ["seller_user_id"] = sellerUserId,
        ["buyer_user_id"] = receipt.BuyerUserId,
        ["create_timestamp"] = receipt.CreatedAt,
        ["created_timestamp"] = receipt.CreatedAt,
        ["paid_timestamp"] = t.PaidAt,
        ["shipped_timestamp"] = null,
        ["quantity"] = t.Quantity,
        ["listing_id"] = t.ListingId,
        ["receipt_id"] = receipt.ReceiptId,
        ["is_digital"] = false,
        ["sku"] = t.Sku,
        ["product_id"] = t.ProductId,
        ["price"] = Money(t.PriceMinor, currency),
        ["variations"] = SimulatorJson.Array(t.PropertyValues.Select(v => (JsonNode?)new JsonObject
        {
            ["property_id"] = v.PropertyId,
            ["value_id"] = v.ValueId,
            ["formatted_name"] = v.PropertyName,
            ["formatted_value"] = v.Value,
        })),
        ["product_data"] = SimulatorJson.Array(t.PropertyValues.Select(v => (JsonNode?)new JsonObject
        {
            ["property_id"] = v.PropertyId,
            ["property_name"] = v.PropertyName,
            ["scale_id"] = null,
            ["scale_name"] = null,
            ["value_ids"] = new JsonArray(v.ValueId),
            ["values"] = new JsonArray(v.Value),
        })),
    };

    private static JsonArray Ids(IEnumerable<long> ids) => SimulatorJson.Array(ids.Select(id => (JsonNode?)id));
}

using System.Text.Json;
using System.Text.Json.Serialization;
using FuncSync.Domain.Costing;

namespace FuncSync.Etsy;

/// <summary>Etsy's paged answer to getShopReceipts.</summary>
public sealed record EtsyReceiptPage(
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("results")] IReadOnlyList<EtsyReceipt> Results);

/// <summary>The fields of a ShopReceipt that move stock. Timestamps are Unix seconds.</summary>
public sealed record EtsyReceipt(
    [property: JsonPropertyName("receipt_id")] long ReceiptId,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("create_timestamp")] long CreateTimestamp,
    [property: JsonPropertyName("update_timestamp")] long UpdateTimestamp,
    [property: JsonPropertyName("transactions")] IReadOnlyList<EtsyTransaction> Transactions,
    [property: JsonPropertyName("refunds")] IReadOnlyList<EtsyRefund>? Refunds = null,
    [property: JsonPropertyName("grandtotal")] EtsyMoney? Grandtotal = null)
{
    [JsonPropertyName("is_shipped")]
    public bool IsShipped { get; init; }

    [JsonPropertyName("shipments")]
    public IReadOnlyList<EtsyShipment>? Shipments { get; init; }
}

/// <summary>A ShopReceiptShipment: the seller marked the order shipped at this time (Unix seconds).</summary>
public sealed record EtsyShipment(
    [property: JsonPropertyName("receipt_shipping_id")] long? ReceiptShippingId,
    [property: JsonPropertyName("shipment_notification_timestamp")] long? NotificationTimestamp);

/// <summary>A ShopRefund: how much, when and why, but not which transaction, nor whether anything came back.</summary>
public sealed record EtsyRefund(
    [property: JsonPropertyName("amount")] EtsyMoney? Amount,
    [property: JsonPropertyName("created_timestamp")] long CreatedTimestamp,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("note_from_issuer")] string? NoteFromIssuer,
    [property: JsonPropertyName("status")] string? Status);

/// <summary>Etsy's Money: <c>amount / divisor</c> in <c>currency_code</c>.</summary>
public sealed record EtsyMoney(
    [property: JsonPropertyName("amount")] long Amount,
    [property: JsonPropertyName("divisor")] int Divisor,
    [property: JsonPropertyName("currency_code")] string? CurrencyCode)
{
    public decimal Value => Divisor > 0 ? (decimal)Amount / Divisor : Amount;
}

/// <summary>Etsy's flat webhook payload (the documented nested <c>data</c> form is out of date, etsy/open-api#1564).
/// <c>shop_id</c> has been seen as a number and as a string, so it is read as raw JSON.</summary>
public sealed record EtsyOrderPaid(
    [property: JsonPropertyName("event_type")] string? EventType,
    [property: JsonPropertyName("resource_url")] string? ResourceUrl,
    [property: JsonPropertyName("shop_id")] System.Text.Json.JsonElement ShopId);

public sealed record EtsyTransaction(
    [property: JsonPropertyName("transaction_id")] long TransactionId,
    [property: JsonPropertyName("listing_id")] long ListingId,
    [property: JsonPropertyName("sku")] string? Sku,
    [property: JsonPropertyName("quantity")] int Quantity)
{
    /// <summary>The unit price, a Money object (<c>amount</c>, <c>divisor</c>, <c>currency_code</c>). Kept raw: a price that
    /// does not read costs the margin report its revenue, never the receipt its sale.</summary>
    [JsonPropertyName("price")]
    public JsonElement? Price { get; init; }

    /// <summary>What the buyer paid for the transaction's units before shipping and tax: the unit <see cref="Price"/> times
    /// the quantity, in the shop's currency; null when the price is missing or does not read. Shop and buyer coupons
    /// are a receipt's (<c>discount_amt</c>), not the line's own, so they stay in.</summary>
    public Money? LineTotal()
    {
        if (Price is not { ValueKind: JsonValueKind.Object } price || Quantity <= 0
            || !price.TryGetProperty("amount", out var amount) || amount.ValueKind != JsonValueKind.Number || !amount.TryGetInt64(out var minor)
            || !price.TryGetProperty("divisor", out var divisorValue) || divisorValue.ValueKind != JsonValueKind.Number
            || !divisorValue.TryGetInt32(out var divisor) || divisor <= 0
            || !price.TryGetProperty("currency_code", out var currency) || currency.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        return Money.Of((decimal)minor / divisor * Quantity, currency.GetString());
    }
}

[JsonSourceGenerationOptions(RespectNullableAnnotations = true)]
[JsonSerializable(typeof(EtsyReceiptPage))]
[JsonSerializable(typeof(EtsyReceipt))]
[JsonSerializable(typeof(EtsyTokenResponse))]
[JsonSerializable(typeof(EtsyOAuthError))]
[JsonSerializable(typeof(EtsyOrderPaid))]
[JsonSerializable(typeof(EtsyDeactivation))]
[JsonSerializable(typeof(EtsyRefundClaim))]
internal sealed partial class EtsyJson : JsonSerializerContext;

using System.Globalization;
using System.Text.Json.Nodes;
using FuncSync.Domain;
using FuncSync.Domain.Costing;
using FuncSync.Domain.Ledger;
using FuncSync.Ledger;
using FuncSync.Webhooks;

namespace FuncSync.Ebay;

/// <summary>What an eBay order (the Fulfillment API's order) means to the ledger, the same for the notification path
/// and the orders poll so that whichever comes first counts and the other is a duplicate: a sale per line item with a
/// SKU (<c>ebay:sale:{orderId}:{lineItemId}</c>), and once the order's cancel state is CANCELED a cancellation that
/// restocks it (<c>ebay:cancel:...</c>).</summary>
public static class EbayOrders
{
    public const string Source = "ebay";

    public static IReadOnlyList<InventoryEventReceived> Events(JsonNode order, DateTimeOffset receivedAt, DateTimeOffset? hintedAt, Action<string> skipped)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(skipped);
        var orderId = (string?)order["orderId"] ?? throw new InvalidDataException("The eBay order has no orderId.");
        var createdAt = Time(order["creationDate"]);
        var soldAt = EventTimes.FirstPlausible(receivedAt, createdAt, hintedAt);
        var cancelled = (string?)order["cancelStatus"]?["cancelState"] == "CANCELED";
        var cancelledAt = cancelled
            ? EventTimes.FirstPlausible(receivedAt, Time(order["cancelStatus"]?["cancelRequests"]?[0]?["cancelCompletedDate"]), Time(order["lastModifiedDate"]))
            : receivedAt;
        var reference = "eBay order " + orderId;
        var sales = new List<InventoryEventReceived>();
        var restocks = new List<InventoryEventReceived>();
        foreach (var line in order["lineItems"] as JsonArray ?? [])
        {
            var lineId = (string?)line?["lineItemId"];
            var sku = (string?)line?["sku"];
            var quantity = (int?)line?["quantity"] ?? 0;
            if (lineId is null || string.IsNullOrWhiteSpace(sku) || quantity <= 0)
            {
                // A listing without a SKU is not one FuncSync writes: nothing of the seller's stock to move.
                skipped(lineId ?? "(no id)");
                continue;
            }

            var listing = new ListingRef(Channel.Ebay, sku);
            var saleId = SaleId(orderId, lineId);
            sales.Add(new InventoryEventReceived(saleId, InventoryEventKind.Sale, Source, listing, null, quantity, soldAt, receivedAt, reference, LineTotal: LineTotal(line!)));
            if (cancelled)
            {
                restocks.Add(new InventoryEventReceived($"ebay:cancel:{orderId}:{lineId}", InventoryEventKind.Cancellation, Source, listing, null, quantity, cancelledAt, receivedAt, reference, SoldAt: createdAt, RestockOf: saleId));
            }
        }

        // Sales first: a restock that overtakes its sale still waits for it in the ledger.
        return [.. sales, .. restocks];
    }

    /// <summary>What the buyer paid for the line before delivery and tax: <c>discountedLineItemCost</c> (returned only
    /// when a promotion discounted the line), else <c>lineItemCost</c> (unit price × quantity). Not the line's
    /// <c>total</c>, which adds delivery and taxes. Null when neither reads as a price.</summary>
    public static Money? LineTotal(JsonNode line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return Amount(line["discountedLineItemCost"]) ?? Amount(line["lineItemCost"]);
    }

    // eBay's Amount: {value: "12.50", currency: "USD"}, the value a decimal string.
    private static Money? Amount(JsonNode? amount) =>
        amount is JsonObject money && money["value"] is JsonValue value && value.TryGetValue<string>(out var text)
            && money["currency"] is JsonValue currency && currency.TryGetValue<string>(out var code)
                ? Money.Parse(text, code)
                : null;

    public static string SaleId(string orderId, string lineItemId) => $"ebay:sale:{orderId}:{lineItemId}";

    public static DateTimeOffset? Time(JsonNode? node) =>
        DateTimeOffset.TryParse((string?)node, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
}

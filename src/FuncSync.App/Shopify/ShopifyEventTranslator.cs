using System.Globalization;
using FuncSync.Domain;
using FuncSync.Domain.Ledger;
using FuncSync.Ledger;

namespace FuncSync.Shopify;

/// <summary>Turns Shopify's order and refund payloads into ledger events. Event ids come from Shopify's
/// own order, line and refund ids rather than the delivery, so a duplicate delivery, a redelivery under
/// a new Event-Id, or the same restock reported by both orders/cancelled and refunds/create moves stock
/// once.</summary>
public static class ShopifyEventTranslator
{
    public const string Source = "shopify";

    /// <summary>One sale per line of a variant, whoever manages its stock on Shopify: a unit a fulfilment service
    /// ships is still gone from every other channel. A line Shopify itself does not track is dropped quietly if its
    /// variant is not mapped (a service or download nobody syncs), and counted like any other if it is.</summary>
    public static IReadOnlyList<InventoryEventReceived> Sales(ShopifyOrder order, DateTimeOffset occurredAt, DateTimeOffset receivedAt, Action<ShopifyLineItem> skipped)
    {
        var events = new List<InventoryEventReceived>();
        foreach (var line in order.LineItems)
        {
            if (!MovesStock(line))
            {
                skipped(line);
                continue;
            }

            events.Add(Event(SaleId(order.Id, line.Id), InventoryEventKind.Sale, line.VariantId!.Value, line.Quantity, occurredAt, receivedAt, Reference(order)) with { SkipIfUnmapped = !IsShopifyManaged(line), LineTotal = ShopifyLinePrice.Of(order, line) });
        }

        return events;
    }

    /// <summary>A cancelled order puts back what had not shipped: the line's quantity less what active
    /// fulfilments took. Keyed by line, the same key a refund's <c>cancel</c> restock uses.</summary>
    public static IReadOnlyList<InventoryEventReceived> Cancellations(ShopifyOrder order, DateTimeOffset occurredAt, DateTimeOffset receivedAt, Action<ShopifyLineItem> skipped)
    {
        var shipped = new Dictionary<long, int>();
        foreach (var fulfillment in order.Fulfillments ?? [])
        {
            if (!fulfillment.IsLive)
            {
                continue;
            }

            foreach (var line in fulfillment.LineItems ?? [])
            {
                // A negative fulfilled quantity is no shipment; it must not make more unfulfilled than was ordered.
                shipped[line.Id] = shipped.GetValueOrDefault(line.Id) + Math.Max(0, line.Quantity);
            }
        }

        var events = new List<InventoryEventReceived>();
        foreach (var line in order.LineItems)
        {
            var unfulfilled = string.Equals(line.FulfillmentStatus, "fulfilled", StringComparison.Ordinal)
                ? 0
                : line.Quantity - shipped.GetValueOrDefault(line.Id);
            if (!MovesStock(line) || unfulfilled <= 0)
            {
                skipped(line);
                continue;
            }

            events.Add(Event(CancelId(line.Id), InventoryEventKind.Cancellation, line.VariantId!.Value, unfulfilled, occurredAt, receivedAt, Reference(order)) with { SoldAt = order.CreatedAt, RestockOf = SaleId(order.Id, line.Id), SkipIfUnmapped = !IsShopifyManaged(line) });
        }

        return events;
    }

    /// <summary>orders/fulfilled and orders/partially_fulfilled carry the whole order with every fulfilment
    /// so far: one shipment event per live fulfilment and stock-tracked line, keyed by both, so the same
    /// fulfilment seen again in a later payload ships once. The order's creation time tells a line sold
    /// before commitments were kept. A cancelled fulfilment (fulfillments/update, or a later order payload) gives
    /// its shipment and the shipment's undoing together: if FuncSync applied the shipment, the shipment is a
    /// duplicate and the units come back to the shelf, committed again; if it never saw it (a lost webhook), the
    /// two cancel out. Either way nothing waits for the other, and no unit is counted twice.</summary>
    public static IReadOnlyList<InventoryEventReceived> Fulfilments(ShopifyOrder order, DateTimeOffset occurredAt, DateTimeOffset receivedAt, Action<ShopifyLineItem> skipped)
    {
        var lines = order.LineItems.ToDictionary(l => l.Id);
        var events = new List<InventoryEventReceived>();
        foreach (var fulfillment in order.Fulfillments ?? [])
        {
            if (!fulfillment.IsLive && !fulfillment.IsCancelled)
            {
                continue;
            }

            foreach (var shipped in fulfillment.LineItems ?? [])
            {
                if (!lines.TryGetValue(shipped.Id, out var line) || !MovesStock(line) || shipped.Quantity <= 0)
                {
                    if (line is not null)
                    {
                        skipped(line);
                    }

                    continue;
                }

                var shippedAt = fulfillment.CreatedAt ?? occurredAt;
                events.Add(Event(Id("fulfil", fulfillment.Id, line.Id), InventoryEventKind.Fulfilment, line.VariantId!.Value, shipped.Quantity, shippedAt, receivedAt, Reference(order)) with { SoldAt = order.CreatedAt, SkipIfUnmapped = !IsShopifyManaged(line) });
                if (fulfillment.IsCancelled)
                {
                    var undoneAt = fulfillment.UpdatedAt is { } updated && updated > shippedAt ? updated : occurredAt;
                    events.Add(Event(Id("unfulfil", fulfillment.Id, line.Id), InventoryEventKind.FulfilmentCancelled, line.VariantId!.Value, shipped.Quantity, undoneAt, receivedAt, Reference(order)) with { SoldAt = order.CreatedAt, SkipIfUnmapped = !IsShopifyManaged(line) });
                }
            }
        }

        return events;
    }

    /// <summary>Only restocking refund lines move stock: <c>cancel</c> (unfulfilled units) is a
    /// cancellation, <c>return</c> and the old <c>legacy_restock</c> are returns (restocked or held for
    /// inspection as the seller chose), <c>no_restock</c> moves nothing.</summary>
    public static IReadOnlyList<InventoryEventReceived> Refund(ShopifyRefund refund, DateTimeOffset occurredAt, DateTimeOffset receivedAt, Action<ShopifyRefundLineItem> skipped)
    {
        var events = new List<InventoryEventReceived>();
        var reference = string.Create(CultureInfo.InvariantCulture, $"refund {refund.Id} of order {refund.OrderId}");
        foreach (var line in refund.RefundLineItems)
        {
            var variant = line.LineItem?.VariantId;
            if (variant is null || line.Quantity <= 0)
            {
                skipped(line);
                continue;
            }

            var untracked = line.LineItem is not null && !IsShopifyManaged(line.LineItem);
            switch (line.RestockType)
            {
                case "cancel":
                    events.Add(Event(CancelId(line.LineItemId), InventoryEventKind.Cancellation, variant.Value, line.Quantity, occurredAt, receivedAt, reference) with { RestockOf = SaleId(refund.OrderId, line.LineItemId), SkipIfUnmapped = untracked });
                    break;
                case "return" or "legacy_restock":
                    events.Add(Event(Id("return", refund.Id, line.Id), InventoryEventKind.Return, variant.Value, line.Quantity, occurredAt, receivedAt, reference) with { RestockOf = SaleId(refund.OrderId, line.LineItemId), SkipIfUnmapped = untracked });
                    break;
                default:
                    skipped(line);
                    break;
            }
        }

        return events;
    }

    /// <summary>Custom lines have no variant and move no stock; every other line may, if its variant is mapped.</summary>
    public static bool MovesStock(ShopifyLineItem line) => line.VariantId is not null && line.Quantity > 0;

    /// <summary>Shopify counts the variant's stock itself (<c>shopify</c>); a fulfilment service's handle, or nothing
    /// on an untracked variant, otherwise.</summary>
    public static bool IsShopifyManaged(ShopifyLineItem line) => string.Equals(line.InventoryManagement, "shopify", StringComparison.Ordinal);

    /// <summary>The sale of one order line: the id the webhook and the orders poll both give it, and the sale its
    /// cancellations and returns restock from.</summary>
    public static string SaleId(long orderId, long lineItemId) => Id("sale", orderId, lineItemId);

    private static string CancelId(long lineItemId) => string.Create(CultureInfo.InvariantCulture, $"shopify:cancel:{lineItemId}");

    private static string Id(string what, long parent, long line) => string.Create(CultureInfo.InvariantCulture, $"shopify:{what}:{parent}:{line}");

    private static string Reference(ShopifyOrder order) => order.Name ?? order.Id.ToString(CultureInfo.InvariantCulture);

    private static InventoryEventReceived Event(string id, InventoryEventKind kind, long variantId, int quantity, DateTimeOffset occurredAt, DateTimeOffset receivedAt, string reference) => new(
        EventId: id,
        Kind: kind,
        Source: Source,
        Listing: new ListingRef(Channel.Shopify, variantId.ToString(CultureInfo.InvariantCulture)),
        Sku: null,
        Quantity: quantity,
        OccurredAt: occurredAt,
        ReceivedAt: receivedAt,
        Reference: reference);
}

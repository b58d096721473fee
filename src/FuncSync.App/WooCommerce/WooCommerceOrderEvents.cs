using System.Globalization;
using System.Text.Json.Nodes;
using FuncSync.Domain.Costing;
using FuncSync.Domain.Ledger;
using FuncSync.Ledger;
using FuncSync.Webhooks;

namespace FuncSync.WooCommerce;

/// <summary>What a WooCommerce order means for stock, read from the order as the REST API shows it (the webhook's
/// payload and the orders poll read the same resource, so both give the same events with the same ids, and whichever
/// comes first counts). Level-triggered: the order's state now, not the event that announced it, since WooCommerce
/// builds a late delivery's payload when it sends it.
/// <list type="bullet">
/// <item>Paid (processing, on-hold, completed, refunded; cancelled after payment): a sale per line, where WooCommerce
/// reduced its own stock. A pending order holds stock without reducing it: nothing yet.</item>
/// <item>Cancelled: the shop put its units back, so each line's sale is restocked once (the ledger restocks at most
/// what the sale took). An order cancelled unpaid took nothing; it restocks only a sale FuncSync applied meanwhile
/// (an on-hold order paid by bank transfer is reduced without a payment date).</item>
/// <item>Completed: shipped.</item>
/// <item>Refunded with "Restock refunded items": the line's <c>_restock_refunded_items</c> counts the units put back,
/// one return per unit so a later refund of more units adds only those; without it, nothing moves.</item>
/// </list></summary>
public static class WooCommerceOrderEvents
{
    public const string Source = "woocommerce";

    private static readonly string[] Paid = ["processing", "on-hold", "completed", "refunded"];

    /// <summary>An event and whether it counts only once its sale is in the ledger.</summary>
    public sealed record OrderEvent(InventoryEventReceived Event, bool OnlyAfterSale);

    public static string SaleId(long orderId, long lineId) => string.Create(CultureInfo.InvariantCulture, $"woocommerce:sale:{orderId}:{lineId}");

    /// <summary>The events of <paramref name="order"/>, sales first; null when it does not read as an order.</summary>
    public static IReadOnlyList<OrderEvent>? Translate(JsonNode order, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (Id(order["id"]) is not { } orderId || Text(order["status"]) is not { } status || order["line_items"] is not JsonArray lines)
        {
            return null;
        }

        var created = Time(order["date_created_gmt"]);
        var paidAt = Time(order["date_paid_gmt"]);
        var modified = Time(order["date_modified_gmt"]);
        var soldAt = EventTimes.FirstPlausible(receivedAt, paidAt, created, modified);
        var changedAt = EventTimes.FirstPlausible(receivedAt, modified);
        var reference = "WooCommerce order #" + (Text(order["number"]) ?? orderId.ToString(CultureInfo.InvariantCulture));
        var sold = Paid.Contains(status) || (status == "cancelled" && paidAt is not null);
        var currency = Text(order["currency"]);
        var events = new List<OrderEvent>();
        var after = new List<OrderEvent>();
        foreach (var line in lines)
        {
            if (Id(line?["id"]) is not { } lineId || Id(line!["product_id"]) is not { } productId || (int?)line["quantity"] is not { } quantity || quantity <= 0)
            {
                // A line of a product deleted since, or a fee: no stock holder to move.
                continue;
            }

            var stockId = Id(line["variation_id"]) ?? productId;
            var listing = WooCommerceListing.KeyFor(stockId);
            var saleId = SaleId(orderId, lineId);
            if (sold)
            {
                events.Add(new(new InventoryEventReceived(saleId, InventoryEventKind.Sale, Source, listing, null, quantity, soldAt, receivedAt, reference, LineTotal: LineTotal(line, currency)), false));
            }

            if (status == "cancelled")
            {
                after.Add(new(new InventoryEventReceived(string.Create(CultureInfo.InvariantCulture, $"woocommerce:cancel:{orderId}:{lineId}"), InventoryEventKind.Cancellation, Source, listing, null, quantity, changedAt, receivedAt, reference, SoldAt: created, RestockOf: saleId), OnlyAfterSale: !sold));
            }
            else if (status == "completed")
            {
                after.Add(new(new InventoryEventReceived(string.Create(CultureInfo.InvariantCulture, $"woocommerce:shipment:{orderId}:{lineId}"), InventoryEventKind.Fulfilment, Source, listing, null, quantity, changedAt, receivedAt, reference, SoldAt: created), false));
            }

            for (var unit = 1; unit <= Math.Min(RestockedUnits(line), quantity); unit++)
            {
                after.Add(new(new InventoryEventReceived(string.Create(CultureInfo.InvariantCulture, $"woocommerce:restock:{orderId}:{lineId}:{unit}"), InventoryEventKind.Return, Source, listing, null, 1, changedAt, receivedAt, reference + " refund", RestockOf: saleId), false));
            }
        }

        return [.. events, .. after];
    }

    /// <summary>What the buyer paid for the line: its <c>total</c> (after coupons, before tax; WooCommerce keeps line
    /// totals without tax even where prices are entered with it), not its <c>subtotal</c> (before coupons), in the
    /// order's <c>currency</c>. Null when either is missing or not a price: the sale still counts.</summary>
    public static Money? LineTotal(JsonNode line, string? currency)
    {
        ArgumentNullException.ThrowIfNull(line);
        return Money.Parse(Text(line["total"]), currency);
    }

    /// <summary>The line's <c>_restock_refunded_items</c> meta (WooCommerce keeps item meta as strings).</summary>
    private static int RestockedUnits(JsonNode line) =>
        (line["meta_data"] as JsonArray ?? [])
            .Where(m => Text(m?["key"]) == "_restock_refunded_items")
            .Select(m => m!["value"] is JsonValue v && (v.TryGetValue<int>(out var n) || (v.TryGetValue<string>(out var s) && int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out n))) ? n : 0)
            .FirstOrDefault();

    internal static long? Id(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<long>(out var id) && id > 0 ? id : null;

    internal static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text) ? text : null;

    /// <summary>WooCommerce's <c>_gmt</c> dates carry no offset: they are UTC.</summary>
    internal static DateTimeOffset? Time(JsonNode? node) =>
        DateTimeOffset.TryParse(Text(node), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) ? at : null;
}

/// <summary>Sends an order's events to <c>inventory-events</c>, skipping what the ledger already applied (the poll's
/// overlap re-reads orders the webhook brought long ago) and the restocks of sales it never applied.</summary>
public sealed class WooCommerceOrderIntake(LedgerStore ledger, InventoryEventSender inventoryEvents)
{
    /// <returns>The sales sent, and every event sent.</returns>
    public async Task<(IReadOnlyList<InventoryEventReceived> Sales, int Sent)> SendAsync(IReadOnlyList<WooCommerceOrderEvents.OrderEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var sales = new List<InventoryEventReceived>();
        var sent = 0;
        foreach (var (received, onlyAfterSale) in events)
        {
            if (await ledger.IsAppliedEventAsync(received.EventId, cancellationToken)
                || (onlyAfterSale && !await ledger.IsAppliedEventAsync(received.RestockOf!, cancellationToken)))
            {
                continue;
            }

            // In order: a sale before what undoes it (a restock that still overtakes its sale waits for it).
            await inventoryEvents.SendAsync(received, cancellationToken);
            sent++;
            if (received.Kind == InventoryEventKind.Sale)
            {
                sales.Add(received);
            }
        }

        return (sales, sent);
    }
}

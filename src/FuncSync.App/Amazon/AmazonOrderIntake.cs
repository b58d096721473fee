using System.Globalization;
using System.Text.Json.Nodes;
using FuncSync.Alerts;
using FuncSync.Domain;
using FuncSync.Domain.Costing;
using FuncSync.Domain.Ledger;
using FuncSync.Ledger;
using FuncSync.Webhooks;

namespace FuncSync.Amazon;

/// <summary>An Amazon order as either intake path reads it: the <c>ORDER_CHANGE</c> notification's summary or the
/// Orders API. Both give the same order item ids, so the same sale gets the same event id by either path.</summary>
/// <param name="FulfillmentChannel"><c>MFN</c> (the seller ships from their own stock) or <c>AFN</c> (FBA).</param>
public sealed record AmazonOrderView(string OrderId, string Status, string FulfillmentChannel, DateTimeOffset? PurchasedAt, IReadOnlyList<AmazonOrderLineView> Lines)
{
    public bool MerchantFulfilled => string.Equals(FulfillmentChannel, "MFN", StringComparison.Ordinal);

    public bool BuyerRequestedCancel => Lines.Any(l => l.BuyerRequestedCancel);

    /// <summary>From an <c>ORDER_CHANGE</c> notification's <c>OrderChangeNotification</c>; null when it lacks what the
    /// intake needs.</summary>
    public static AmazonOrderView? FromNotification(JsonNode change)
    {
        var summary = change["Summary"];
        if (Text(change["AmazonOrderId"]) is not { } id || Text(summary?["OrderStatus"]) is not { } status || Text(summary?["FulfillmentType"]) is not { } channel)
        {
            return null;
        }

        var lines = new List<AmazonOrderLineView>();
        foreach (var item in summary!["OrderItems"] as JsonArray ?? [])
        {
            if (Text(item?["OrderItemId"]) is not { } itemId || Text(item!["SellerSKU"]) is not { } sku || !TryInt(item["Quantity"], out var quantity))
            {
                return null;
            }

            lines.Add(new AmazonOrderLineView(itemId, sku, quantity, Flag(item["IsBuyerRequestedCancel"])));
        }

        return new AmazonOrderView(id, status, channel, Time(summary["PurchaseDate"]), lines);
    }

    /// <summary>From <c>getOrders</c>' order and <c>getOrderItems</c>' items.</summary>
    public static AmazonOrderView FromOrdersApi(JsonNode order, IReadOnlyList<JsonNode> items) => new(
        Text(order["AmazonOrderId"]) ?? string.Empty,
        Text(order["OrderStatus"]) ?? string.Empty,
        Text(order[nameof(FulfillmentChannel)]) ?? string.Empty,
        Time(order["PurchaseDate"]),
        [.. items
            .Where(i => Text(i["OrderItemId"]) is not null && Text(i["SellerSKU"]) is not null)
            .Select(i => new AmazonOrderLineView(
                Text(i["OrderItemId"])!,
                Text(i["SellerSKU"])!,
                TryInt(i["QuantityOrdered"], out var q) ? q : 0,
                Flag(i[nameof(BuyerRequestedCancel)]?["IsBuyerRequestedCancel"]) || Flag(order["IsBuyerRequestedCancel"]))
            {
                Paid = LineTotal(i),
            })]);

    /// <summary>What the buyer paid for an order item before tax and shipping: <c>ItemPrice</c> (the unit price times the
    /// quantity, without shipping or gift wrap) less <c>PromotionDiscount</c> (the item's promotions, given apart). Null
    /// when <c>ItemPrice</c> is missing or does not read (Amazon leaves it out of some pending orders); a missing or
    /// unreadable discount, or one in another currency, counts as none.</summary>
    public static Money? LineTotal(JsonNode item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (Amount(item["ItemPrice"]) is not { } price)
        {
            return null;
        }

        var discount = Amount(item["PromotionDiscount"]) is { } off && off.Currency == price.Currency ? off.Amount : 0m;
        return Money.Of(price.Amount - discount, price.Currency);
    }

    // The Orders API's Money: {CurrencyCode: "USD", Amount: "12.50"}, the amount a decimal string.
    private static Money? Amount(JsonNode? money) =>
        money is JsonObject value ? Money.Parse(Text(value["Amount"]), Text(value["CurrencyCode"])) : null;

    internal static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text) ? text : null;

    private static bool TryInt(JsonNode? node, out int value)
    {
        value = 0;
        return node is JsonValue v && (v.TryGetValue(out value) || (v.TryGetValue<string>(out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value)));
    }

    // Amazon writes these flags as booleans in notifications and as "true"/"false" strings in the Orders API.
    private static bool Flag(JsonNode? node) =>
        node is JsonValue v && ((v.TryGetValue<bool>(out var flag) && flag) || (v.TryGetValue<string>(out var text) && string.Equals(text, "true", StringComparison.OrdinalIgnoreCase)));

    private static DateTimeOffset? Time(JsonNode? node) =>
        DateTimeOffset.TryParse(Text(node), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
}

public sealed record AmazonOrderLineView(string OrderItemId, string SellerSku, int Quantity, bool BuyerRequestedCancel)
{
    /// <summary>What the buyer paid for the line (<see cref="AmazonOrderView.LineTotal"/>): only the Orders API gives it;
    /// an <c>ORDER_CHANGE</c> summary carries no prices.</summary>
    public Money? Paid { get; init; }
}

/// <summary>Applies an Amazon order to the ledger, whichever path brought it, and says when it is applied (a
/// notification is deleted from its queue only then). Only merchant-fulfilled orders move FuncSync's stock: an FBA
/// order ships from Amazon's warehouse. A line is a sale (<c>amazon:sale:{order}:{item}</c>) once the order exists; a
/// cancelled order's line also a cancellation that gives back what its sale took, once; a shipped one a shipment. A
/// buyer's request to cancel is alerted: nothing moves until the seller cancels on Amazon.</summary>
public sealed class AmazonOrderIntake(InventoryEventApplier applier, LedgerStore ledger, AlertSender alerts, ILogger<AmazonOrderIntake> logger)
{
    public const string Source = "amazon";

    // Statuses of an order whose units are taken from the seller's quantity (Pending reserves them already).
    private static readonly HashSet<string> Sold = new(StringComparer.Ordinal) { "Pending", "Unshipped", "PartiallyShipped", "Shipped", "InvoiceUnconfirmed", "Canceled" };

    /// <summary>The events the order means now, sales first.</summary>
    public static IReadOnlyList<InventoryEventReceived> Events(AmazonOrderView order, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (!order.MerchantFulfilled || !Sold.Contains(order.Status))
        {
            return [];
        }

        var occurredAt = EventTimes.FirstPlausible(receivedAt, order.PurchasedAt);
        var reference = "Amazon order " + order.OrderId;
        var sales = new List<InventoryEventReceived>();
        var after = new List<InventoryEventReceived>();
        foreach (var line in order.Lines.Where(l => l.Quantity > 0))
        {
            var listing = new ListingRef(Channel.Amazon, line.SellerSku);
            var saleId = $"amazon:sale:{order.OrderId}:{line.OrderItemId}";
            sales.Add(new InventoryEventReceived(saleId, InventoryEventKind.Sale, Source, listing, null, line.Quantity, occurredAt, receivedAt, reference, LineTotal: line.Paid));
            if (order.Status == "Canceled")
            {
                after.Add(new InventoryEventReceived($"amazon:cancel:{order.OrderId}:{line.OrderItemId}", InventoryEventKind.Cancellation, Source, listing, null, line.Quantity, receivedAt, receivedAt, reference, SoldAt: order.PurchasedAt, RestockOf: saleId));
            }
            else if (order.Status == "Shipped")
            {
                after.Add(new InventoryEventReceived($"amazon:shipment:{order.OrderId}:{line.OrderItemId}", InventoryEventKind.Fulfilment, Source, listing, null, line.Quantity, receivedAt, receivedAt, reference, SoldAt: order.PurchasedAt));
            }
        }

        return [.. sales, .. after];
    }

    /// <summary>Applies what the order means; returns the events newly applied (0 when both paths already brought it).</summary>
    /// <param name="skipApplied">Look up each event's dedupe row first (the poll's overlap, where nearly everything came
    /// by notification long ago).</param>
    public async Task<int> ApplyAsync(AmazonOrderView order, DateTimeOffset receivedAt, bool skipApplied, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (!order.MerchantFulfilled)
        {
            logger.LogInformation("Amazon order {Order} is fulfilled by Amazon ({Channel}): FBA stock is Amazon's, nothing to apply", order.OrderId, order.FulfillmentChannel);
            return 0;
        }

        if (order.BuyerRequestedCancel && order.Status != "Canceled")
        {
            var skus = string.Join(", ", order.Lines.Where(l => l.BuyerRequestedCancel).Select(l => l.SellerSku).Distinct(StringComparer.Ordinal));
            await alerts.RaiseAsync(
                AlertKind.CancellationRequested,
                "amazon:cancel-request:" + order.OrderId,
                $"The buyer of Amazon order {order.OrderId} asked to cancel it ({skus}). Do not ship it; cancel it in Seller Central, and FuncSync puts the units back when Amazon reports it cancelled.",
                null,
                new AlertAdvice("Amazon", "Cancel the order in Seller Central (Orders, Manage orders, Cancel order) instead of shipping it."),
                cancellationToken);
        }

        var applied = 0;
        foreach (var received in Events(order, receivedAt))
        {
            // A sale its notification brought has no price (ORDER_CHANGE carries none): the poll's copy adds it.
            if (skipApplied && await ledger.IsAppliedAsync(received, cancellationToken))
            {
                continue;
            }

            if (await applier.ApplyAsync(received, cancellationToken) != ApplyOutcome.Duplicate)
            {
                applied++;
            }
        }

        logger.LogInformation("Amazon order {Order} ({Status}): {Applied} events applied", order.OrderId, order.Status, applied);
        return applied;
    }
}

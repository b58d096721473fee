using System.Globalization;
using System.Text.Json.Nodes;
using FuncSync.Domain.Costing;
using FuncSync.Push;

namespace FuncSync.Shopify;

/// <summary>An order as the orders poll reads it, in the shapes the webhook translator takes: the order (for sales and
/// a cancellation) and its refunds (for restocks).</summary>
/// <param name="FinancialStatus">GraphQL <c>displayFinancialStatus</c>: <c>PAID</c>, <c>PENDING</c>, <c>AUTHORIZED</c>, ...</param>
/// <param name="Truncated">The order has more lines, refunds or refund lines than one page of the poll reads; those are
/// left to their webhooks and the reconciliation.</param>
public sealed record ShopifyPolledOrder(ShopifyOrder Order, DateTimeOffset UpdatedAt, string? FinancialStatus, IReadOnlyList<ShopifyRefund> Refunds, bool Truncated);

/// <summary>Reads Shopify's orders updated in a window through the GraphQL Admin API's <c>orders</c> connection, sorted
/// by <c>UPDATED_AT</c>, a page at a time by <c>pageInfo</c>. Shopify prices a query by its worst case (a connection
/// 2 plus <c>first</c> times its node, an object 1) and refuses one above 1,000 points, so a page holds few orders with
/// room for their lines and refunds; a quiet shop's few minutes fit in one page, and the cost limiter paces the rest.</summary>
public sealed class ShopifyOrderFeed(ShopifyAdminApi api)
{
    /// <summary>Lines read per order: a line costs 5 (the line, its variant, its inventory item, and its discounted total's
    /// MoneyBag and shop money). Forty keeps three orders a page; a longer order's other lines are left to its webhook.</summary>
    public const int LinesPerOrder = 40;

    /// <summary>Refunds read per order, each with up to <see cref="LinesPerRefund"/> lines (2 each: the refund line and its line item).</summary>
    public const int RefundsPerOrder = 3;

    public const int LinesPerRefund = 20;

    /// <summary>One order's worst case: 1 + (2 + 40 × 5) + 3 × (1 + 2 + 20 × 2) = 332 points.</summary>
    public const int OrderCost = 1 + (2 + (LinesPerOrder * 5)) + (RefundsPerOrder * (1 + 2 + (LinesPerRefund * 2)));

    /// <summary>As many orders as fit under Shopify's single-query limit of 1,000 points.</summary>
    public const int PageSize = (1000 - 2) / OrderCost;

    public const int PageCost = 2 + (PageSize * OrderCost);

    private static readonly string Query = string.Create(CultureInfo.InvariantCulture, $$"""
        query OrdersUpdatedSince($first: Int!, $after: String, $query: String!) {
          orders(first: $first, after: $after, sortKey: UPDATED_AT, query: $query) {
            pageInfo { hasNextPage endCursor }
            nodes {
              id name createdAt updatedAt cancelledAt displayFinancialStatus
              lineItems(first: {{LinesPerOrder}}) { pageInfo { hasNextPage } nodes { id quantity unfulfilledQuantity sku variant { id inventoryItem { tracked } } discountedTotalSet { shopMoney { amount currencyCode } } } }
              refunds(first: {{RefundsPerOrder}}) { id createdAt refundLineItems(first: {{LinesPerRefund}}) { pageInfo { hasNextPage } nodes { id quantity restockType lineItem { id } } } }
            }
          }
        }
        """);

    /// <summary>Shopify's search syntax: dates quoted, <c>&gt;=</c> and <c>&lt;=</c> comparators, terms joined by AND.</summary>
    public static string Filter(DateTimeOffset from, DateTimeOffset until) => string.Create(
        CultureInfo.InvariantCulture,
        $"updated_at:>='{from.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}' AND updated_at:<='{until.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}'");

    /// <summary>One page of orders updated between <paramref name="from"/> and <paramref name="until"/> (both included).</summary>
    /// <returns>The page, and the cursor of the next one (null on the last).</returns>
    public async Task<(IReadOnlyList<ShopifyPolledOrder> Orders, string? Next)> ReadPageAsync(DateTimeOffset from, DateTimeOffset until, string? after, CancellationToken cancellationToken)
    {
        var variables = new JsonObject { ["first"] = PageSize, ["after"] = after, ["query"] = Filter(from, until) };
        var data = await api.SendAsync("OrdersUpdatedSince", Query, variables, PageCost, cancellationToken);
        var connection = data["orders"] ?? throw new ChannelRequestException("Shopify returned no orders connection.");
        var orders = (connection["nodes"]?.AsArray() ?? []).Select(n => Read(n ?? throw new ChannelRequestException("Shopify returned a null order."))).ToList();
        var next = connection["pageInfo"]?["hasNextPage"]?.GetValue<bool>() == true
            ? (string?)connection["pageInfo"]!["endCursor"] ?? throw new ChannelRequestException("Shopify said there is a next page of orders but gave no cursor.")
            : null;
        return (orders, next);
    }

    private static ShopifyPolledOrder Read(JsonNode node)
    {
        var orderId = IdOf(node["id"]);
        var truncated = HasNextPage(node["lineItems"]);
        var shipped = new List<ShopifyFulfilledLine>();
        var lines = new List<ShopifyLineItem>();
        foreach (var line in node["lineItems"]?["nodes"]?.AsArray() ?? [])
        {
            var quantity = (int?)line?["quantity"] ?? 0;
            var id = IdOf(line?["id"]);
            var variant = line?["variant"];
            lines.Add(new ShopifyLineItem(
                id,
                variant is null ? null : IdOf(variant["id"]),
                (string?)line!["sku"],
                quantity,
                // The webhook's variant_inventory_management: "shopify" while Shopify tracks the stock.
                (bool?)variant?["inventoryItem"]?["tracked"] == true ? "shopify" : null)
            {
                DiscountedTotal = Price(line["discountedTotalSet"]?["shopMoney"]),
            });

            // What shipped, as one live fulfilment per line: the cancellation restocks only what had not.
            if ((int?)line["unfulfilledQuantity"] is { } unfulfilled && quantity - unfulfilled > 0)
            {
                shipped.Add(new ShopifyFulfilledLine(id, quantity - unfulfilled));
            }
        }

        var order = new ShopifyOrder(orderId, (string?)node["name"], Time(node["createdAt"]), lines)
        {
            CancelledAt = Time(node["cancelledAt"]),
            Fulfillments = shipped.Count > 0 ? [new ShopifyFulfillment("success", shipped)] : [],
        };

        var byId = lines.ToDictionary(l => l.Id);
        var refunds = new List<ShopifyRefund>();
        var refundNodes = node["refunds"]?.AsArray() ?? [];
        truncated |= refundNodes.Count >= RefundsPerOrder;
        foreach (var refund in refundNodes)
        {
            truncated |= HasNextPage(refund?["refundLineItems"]);
            var refundLines = new List<ShopifyRefundLineItem>();
            foreach (var refundLine in refund?["refundLineItems"]?["nodes"]?.AsArray() ?? [])
            {
                // Refund lines without an id (older API versions) cannot be keyed as the webhook keys them; nothing
                // in the pinned version lacks one.
                if (refundLine?["id"] is null)
                {
                    continue;
                }

                var lineItemId = IdOf(refundLine["lineItem"]?["id"]);
                refundLines.Add(new ShopifyRefundLineItem(
                    IdOf(refundLine["id"]),
                    lineItemId,
                    (int?)refundLine["quantity"] ?? 0,
                    ((string?)refundLine["restockType"])?.ToLowerInvariant(),
                    null,
                    byId.GetValueOrDefault(lineItemId)));
            }

            refunds.Add(new ShopifyRefund(IdOf(refund!["id"]), orderId, Time(refund["createdAt"]), refundLines));
        }

        return new ShopifyPolledOrder(order, Time(node["updatedAt"]) ?? throw new ChannelRequestException($"Shopify order {orderId} has no updatedAt."), (string?)node["displayFinancialStatus"], refunds, truncated);
    }

    /// <summary>A MoneyV2 (<c>amount</c> a decimal string, <c>currencyCode</c>); null when it does not read, so the sale
    /// still counts without its price.</summary>
    private static Money? Price(JsonNode? money) =>
        money is JsonObject value && value["amount"] is JsonValue amount && value["currencyCode"] is JsonValue currency
        && amount.TryGetValue<string>(out var text) && currency.TryGetValue<string>(out var code)
            ? Money.Parse(text, code)
            : null;

    private static bool HasNextPage(JsonNode? connection) => connection?["pageInfo"]?["hasNextPage"]?.GetValue<bool>() == true;

    private static DateTimeOffset? Time(JsonNode? value) =>
        (string?)value is { } text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal) : null;

    private static long IdOf(JsonNode? value)
    {
        var gid = (string?)value;
        return gid is not null && long.TryParse(gid.AsSpan(gid.LastIndexOf('/') + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new ChannelRequestException($"Shopify returned a malformed id '{gid}'.");
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace FuncSync.Simulators.Shopify;

/// <summary>
/// <c>orders(first:, after:, sortKey: UPDATED_AT, query: "updated_at:&gt;='…' updated_at:&lt;='…'")</c> in the GraphQL
/// shape, built from the simulator's REST orders: <c>pageInfo { hasNextPage endCursor }</c> and per node the order's
/// times, <c>displayFinancialStatus</c>, <c>lineItems(first:)</c> (with the variant, whether its stock is tracked, and <c>discountedTotalSet</c> when asked)
/// and <c>refunds(first:)</c> with their <c>refundLineItems(first:)</c>. Sorted by <c>updated_at</c>, then id, with
/// opaque cursors. Priced as Shopify's calculated cost does: a connection 2 plus <c>first</c> times its node, an
/// object 1; the actual cost counts what came back.
/// </summary>
internal static partial class ShopifyOrderQueries
{
    public static bool IsMatch(string query) => OrdersField().IsMatch(query);

    /// <summary>The worst case of one page: every order with every nested page full.</summary>
    public static int RequestedCost(string query, JsonObject variables)
    {
        var (first, lines, refunds, refundLines) = Sizes(query, variables);
        return 2 + (first * OrderCost(lines, LineCost(query), refunds, refundLines));
    }

    public static (JsonObject Data, int Actual) Execute(string query, JsonObject variables, IReadOnlyList<JsonObject> orders)
    {
        var args = OrdersField().Match(query).Groups["args"].Value;
        var (first, lineLimit, refundLimit, refundLineLimit) = Sizes(query, variables);
        if (SortKey().Match(args) is { Success: true } sort && sort.Groups["key"].Value != "UPDATED_AT")
        {
            throw new ShopifyGraphQlException("The simulator sorts orders by UPDATED_AT only.", "BAD_REQUEST");
        }

        var (from, fromInclusive, until, untilInclusive) = Window(StringArgument(args, "query", variables));
        var after = StringArgument(args, "after", variables) is { Length: > 0 } cursor ? DecodeCursor(cursor) : ((DateTimeOffset, long)?)null;

        var matching = orders
            .Select(o => (Order: o, UpdatedAt: Time(o["updated_at"])!.Value, Id: (long)o["id"]!))
            .Where(o => from is null || (fromInclusive ? o.UpdatedAt >= from : o.UpdatedAt > from))
            .Where(o => until is null || (untilInclusive ? o.UpdatedAt <= until : o.UpdatedAt < until))
            .OrderBy(o => o.UpdatedAt).ThenBy(o => o.Id)
            .Where(o => after is not { } a || o.UpdatedAt > a.Item1 || (o.UpdatedAt == a.Item1 && o.Id > a.Item2))
            .ToList();
        var page = matching.Take(first).ToList();

        var actual = 2;
        var nodes = new JsonArray();
        foreach (var (order, _, _) in page)
        {
            var (node, cost) = Node(order, lineLimit, LineCost(query), refundLimit, refundLineLimit);
            nodes.Add(node);
            actual += cost;
        }

        return (new JsonObject
        {
            ["orders"] = new JsonObject
            {
                ["pageInfo"] = new JsonObject
                {
                    ["hasNextPage"] = matching.Count > page.Count,
                    ["endCursor"] = page.Count > 0 ? EncodeCursor(page[^1].UpdatedAt, page[^1].Id) : null,
                },
                ["nodes"] = nodes,
            },
        }, actual);
    }

    // An order, its line connection (each line with its variant and inventory item, and its discounted total's MoneyBag
    // and MoneyV2 when asked), its refunds, each with its refund-line connection (each refund line with its line item).
    private static int OrderCost(int lines, int lineCost, int refunds, int refundLines) =>
        1 + (2 + (lines * lineCost)) + (refunds * (1 + 2 + (refundLines * 2)));

    private static int LineCost(string query) => DiscountedTotal().IsMatch(query) ? 5 : 3;

    private static (JsonObject Node, int Cost) Node(JsonObject order, int lineLimit, int lineCost, int refundLimit, int refundLineLimit)
    {
        var currency = (string?)order["currency"];
        var allLines = order["line_items"]!.AsArray();
        var shipped = new Dictionary<long, int>();
        foreach (var fulfillment in order["fulfillments"]?.AsArray() ?? [])
        {
            foreach (var line in fulfillment!["line_items"]!.AsArray())
            {
                var id = (long)line!["id"]!;
                shipped[id] = shipped.GetValueOrDefault(id) + (int)line["quantity"]!;
            }
        }

        var lines = new JsonArray();
        foreach (var line in allLines.Take(lineLimit))
        {
            var id = (long)line!["id"]!;
            var variantId = (long?)line["variant_id"];
            lines.Add(new JsonObject
            {
                ["id"] = ShopifyGid.Format("LineItem", id),
                ["quantity"] = (int)line["quantity"]!,
                ["unfulfilledQuantity"] = (int)line["quantity"]! - shipped.GetValueOrDefault(id),
                ["sku"] = (string?)line["sku"],
                ["variant"] = variantId is { } variant
                    ? new JsonObject
                    {
                        ["id"] = ShopifyGid.Format("ProductVariant", variant),
                        ["inventoryItem"] = new JsonObject { ["tracked"] = string.Equals((string?)line["variant_inventory_management"], "shopify", StringComparison.Ordinal) },
                    }
                    : null,
                ["discountedTotalSet"] = DiscountedTotalSet(line, currency),
            });
        }

        var cost = 1 + 2 + (lines.Count * lineCost);
        var refunds = new JsonArray();
        foreach (var refund in (order["refunds"]?.AsArray() ?? []).Take(refundLimit))
        {
            var allRefundLines = refund!["refund_line_items"]!.AsArray();
            var refundLines = new JsonArray();
            foreach (var refundLine in allRefundLines.Take(refundLineLimit))
            {
                refundLines.Add(new JsonObject
                {
                    ["id"] = ShopifyGid.Format("RefundLineItem", (long)refundLine!["id"]!),
                    ["quantity"] = (int)refundLine["quantity"]!,
                    ["restockType"] = ((string?)refundLine["restock_type"])?.ToUpperInvariant(),
                    ["lineItem"] = new JsonObject { ["id"] = ShopifyGid.Format("LineItem", (long)refundLine["line_item_id"]!) },
                });
            }

            refunds.Add(new JsonObject
            {
                ["id"] = ShopifyGid.Format("Refund", (long)refund["id"]!),
                ["createdAt"] = Iso(Time(refund["created_at"])),
                ["refundLineItems"] = new JsonObject
                {
                    ["pageInfo"] = new JsonObject { ["hasNextPage"] = allRefundLines.Count > refundLines.Count },
                    ["nodes"] = refundLines,
                },
            });
            cost += 1 + 2 + (refundLines.Count * 2);
        }

        return (new JsonObject
        {
            ["id"] = ShopifyGid.Format("Order", (long)order["id"]!),
            ["name"] = (string?)order["name"],
            ["createdAt"] = Iso(Time(order["created_at"])),
            ["updatedAt"] = Iso(Time(order["updated_at"])),
            ["cancelledAt"] = Iso(Time(order["cancelled_at"])),
            ["displayFinancialStatus"] = ((string?)order["financial_status"])?.ToUpperInvariant(),
            ["lineItems"] = new JsonObject
            {
                ["pageInfo"] = new JsonObject { ["hasNextPage"] = allLines.Count > lines.Count },
                ["nodes"] = lines,
            },
            ["refunds"] = refunds,
        }, cost);
    }

    /// <summary>LineItem.discountedTotalSet, the line's total after its own discounts (order-level ones left out), in
    /// shop and presentment money (one currency here). The simulator's orders carry no discounts: price times quantity.</summary>
    private static JsonObject DiscountedTotalSet(JsonNode line, string? currency)
    {
        var total = decimal.Parse((string)line["price"]!, CultureInfo.InvariantCulture) * (int)line["quantity"]!;
        var amount = total.ToString("0.00", CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["shopMoney"] = new JsonObject { ["amount"] = amount, ["currencyCode"] = currency },
            ["presentmentMoney"] = new JsonObject { ["amount"] = amount, ["currencyCode"] = currency },
        };
    }

    /// <summary>The page sizes the document asks for: the orders' <c>first</c>, and the literal <c>first</c> of each
    /// nested connection (absent: none asked, so none returned).</summary>
    private static (int Orders, int Lines, int Refunds, int RefundLines) Sizes(string query, JsonObject variables)
    {
        var args = OrdersField().Match(query).Groups["args"].Value;
        var first = StringArgument(args, "first", variables) is { } text && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new ShopifyGraphQlException("You must provide one of first or last", "BAD_REQUEST");
        if (first is < 1 or > ShopifyReadQueries.MaxItems)
        {
            throw new ShopifyGraphQlException($"The 'first' argument must be between 1 and {ShopifyReadQueries.MaxItems}.", "BAD_REQUEST");
        }

        return (first, Nested(query, "lineItems"), Nested(query, "refunds"), Nested(query, "refundLineItems"));
    }

    private static int Nested(string query, string field)
    {
        var match = Regex.Match(query, $$"""\b{{field}}\s*\(\s*first\s*:\s*(?<n>\d+)""");
        if (!match.Success)
        {
            return Regex.IsMatch(query, $$"""\b{{field}}\b""")
                ? throw new ShopifyGraphQlException($"{field} needs a literal first: argument in this simulator.", "BAD_REQUEST")
                : 0;
        }

        var n = int.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture);
        return n is >= 1 and <= ShopifyReadQueries.MaxItems
            ? n
            : throw new ShopifyGraphQlException($"The 'first' argument of {field} must be between 1 and {ShopifyReadQueries.MaxItems}.", "BAD_REQUEST");
    }

    /// <summary>Reads <c>updated_at</c> ranges in Shopify's search syntax: <c>updated_at:&gt;='2026-01-01T00:00:00Z'</c>
    /// and its <c>&gt;</c>, <c>&lt;=</c>, <c>&lt;</c> siblings, joined by spaces or <c>AND</c>. Dates must be quoted, as
    /// in Shopify.</summary>
    private static (DateTimeOffset? From, bool FromInclusive, DateTimeOffset? Until, bool UntilInclusive) Window(string? search)
    {
        (DateTimeOffset? From, bool FromInclusive, DateTimeOffset? Until, bool UntilInclusive) window = (null, true, null, true);
        if (string.IsNullOrWhiteSpace(search))
        {
            return window;
        }

        foreach (var term in search.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(t => t != "AND"))
        {
            var match = UpdatedAtTerm().Match(term);
            if (!match.Success || !DateTimeOffset.TryParse(match.Groups["at"].Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                throw new ShopifyGraphQlException($"The simulator filters orders by quoted updated_at ranges only, not '{term}'.", "BAD_REQUEST");
            }

            switch (match.Groups["op"].Value)
            {
                case ">=": window = (at, true, window.Until, window.UntilInclusive); break;
                case ">": window = (at, false, window.Until, window.UntilInclusive); break;
                case "<=": window = (window.From, window.FromInclusive, at, true); break;
                default: window = (window.From, window.FromInclusive, at, false); break;
            }
        }

        return window;
    }

    private static string? StringArgument(string args, string name, JsonObject variables)
    {
        var match = Regex.Match(args, $$"""\b{{name}}\s*:\s*(?:\$(?<var>\w+)|"(?<lit>(?:[^"\\]|\\.)*)"|(?<lit>[\w.-]+))""");
        if (!match.Success)
        {
            return null;
        }

        if (match.Groups["lit"].Success)
        {
            return Regex.Unescape(match.Groups["lit"].Value);
        }

        return variables[match.Groups["var"].Value] switch
        {
            null => null,
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
            _ => throw new ShopifyGraphQlException($"Variable ${match.Groups["var"].Value} was provided invalid value", "INVALID_VARIABLE"),
        };
    }

    private static DateTimeOffset? Time(JsonNode? value) =>
        (string?)value is { } text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture) : null;

    private static string? Iso(DateTimeOffset? at) =>
        at?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string EncodeCursor(DateTimeOffset updatedAt, long id) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new[] { updatedAt.ToUnixTimeSeconds(), id })));

    private static (DateTimeOffset, long) DecodeCursor(string cursor)
    {
        try
        {
            var values = JsonSerializer.Deserialize<long[]>(Convert.FromBase64String(cursor));
            return values is [var at, var id] ? (DateTimeOffset.FromUnixTimeSeconds(at), id) : throw new FormatException();
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            throw new ShopifyGraphQlException("Invalid cursor for orders.", "BAD_REQUEST");
        }
    }

    [GeneratedRegex("""\borders\s*\((?<args>[^)]*)\)""")]
    private static partial Regex OrdersField();

    [GeneratedRegex("""\bdiscountedTotalSet\b""")]
    private static partial Regex DiscountedTotal();

    [GeneratedRegex("""\bsortKey\s*:\s*(?<key>\w+)""")]
    private static partial Regex SortKey();

    [GeneratedRegex("""^updated_at:(?<op>>=|<=|>|<)'(?<at>[^']+)'$""")]
    private static partial Regex UpdatedAtTerm();
}

using System.Globalization;
using System.Text.Json.Nodes;
using FuncSync.Simulators.Hosting;
using Microsoft.AspNetCore.Http;

namespace FuncSync.Simulators.Ebay;

/// <summary>The Post-Order API's returns: <c>GET /post-order/v2/return/search</c> (filtered by creation date, paged by
/// limit and offset, <c>members</c> and <c>paginationOutput</c>) and <c>GET /post-order/v2/return/{returnId}</c> (the
/// summary and the detail's <c>responseHistory</c> of state changes), authorised with the user token as
/// <c>IAF &lt;token&gt;</c>. A return names the order, the listing (<c>itemId</c>) and the sale (<c>transactionId</c>, the
/// line item's id), never the SKU; its state moves as the buyer and seller act.</summary>
public sealed partial class EbaySimulator
{
    public const string ReturnRequested = "RETURN_REQUESTED";
    public const string ItemShipped = "ITEM_SHIPPED";
    public const string ItemDelivered = "ITEM_DELIVERED";
    public const string RefundIssued = "REFUND_ISSUED";
    public const string ItemKept = "ITEM_KEPT";
    public const string Closed = "CLOSED";

    private const string ReturnPath = "/post-order/v2/return/";
    private const int MaxReturnsPerPage = 200;

    private readonly Dictionary<string, EbayReturn> _returns = new(StringComparer.Ordinal);
    private long _nextReturn = 5_000_000_001;

    /// <summary>The buyer opens a return of <paramref name="quantity"/> units of one line item.</summary>
    public string OpenReturn(string orderId, string lineItemId, int quantity)
    {
        lock (_gate)
        {
            var line = _orders[orderId].Lines.Single(l => l.LineItemId == lineItemId);
            if (quantity < 1 || quantity > line.Quantity)
            {
                throw new ArgumentOutOfRangeException(nameof(quantity), quantity, $"The line sold {line.Quantity}.");
            }

            var returned = new EbayReturn((_nextReturn++).ToString(CultureInfo.InvariantCulture), orderId, line.ListingId, line.LineItemId, quantity, _time.GetUtcNow());
            _returns[returned.ReturnId] = returned;
            return returned.ReturnId;
        }
    }

    /// <summary>The return moves on: the buyer ships the item, it is delivered back, the seller refunds, the buyer keeps
    /// it, eBay closes it. Each move is kept in the return's history.</summary>
    public void MoveReturn(string returnId, string state)
    {
        lock (_gate)
        {
            var returned = _returns[returnId];
            returned.History.Add((returned.State, state, _time.GetUtcNow()));
            returned.State = state;
        }
    }

    public int ReturnSearches => Volatile.Read(ref _returnSearches);

    private int _returnSearches;

    private async Task HandleReturnsAsync(HttpContext context, string path)
    {
        if (path == ReturnPath + "search")
        {
            await SearchReturnsAsync(context);
            return;
        }

        JsonObject? found;
        lock (_gate)
        {
            found = _returns.TryGetValue(path[ReturnPath.Length..], out var returned)
                ? new JsonObject { ["summary"] = ReturnJson(returned), ["detail"] = new JsonObject { ["responseHistory"] = HistoryJson(returned) } }
                : null;
        }

        await (found is null ? ErrorAsync(context, 404, 1002, "RETURN", "The return ID is invalid.") : SimulatorJson.WriteAsync(context, 200, found));
    }

    /// <summary><c>creation_date_range_from</c> / <c>_to</c> (ISO 8601 UTC, the start no more than 18 months back),
    /// <c>limit</c> (default 25) and <c>offset</c>; oldest first.</summary>
    private async Task SearchReturnsAsync(HttpContext context)
    {
        Interlocked.Increment(ref _returnSearches);
        var query = context.Request.Query;
        DateTimeOffset? from = null;
        DateTimeOffset? to = null;
        if (query["creation_date_range_from"].ToString() is { Length: > 0 } fromText)
        {
            if (!TryTime(fromText, out var start) || start < _time.GetUtcNow().AddMonths(-18))
            {
                await ErrorAsync(context, 400, 1105, "RETURN", "creation_date_range_from is invalid or more than 18 months in the past.");
                return;
            }

            from = start;
        }

        if (query["creation_date_range_to"].ToString() is { Length: > 0 } toText)
        {
            if (!TryTime(toText, out var end) || end < from)
            {
                await ErrorAsync(context, 400, 1105, "RETURN", "creation_date_range_to is invalid or older than creation_date_range_from.");
                return;
            }

            to = end;
        }

        var limit = Number(query["limit"], 25, 1, MaxReturnsPerPage);
        var offset = Number(query["offset"], 0, 0, int.MaxValue);
        JsonObject page;
        lock (_gate)
        {
            var matching = _returns.Values
                .Where(r => (from is null || r.Created >= from) && (to is null || r.Created <= to))
                .OrderBy(r => r.Created)
                .ThenBy(r => r.ReturnId, StringComparer.Ordinal)
                .ToList();
            page = new JsonObject
            {
                ["members"] = SimulatorJson.Array(matching.Skip(offset).Take(limit).Select(ReturnJson)),
                ["paginationOutput"] = new JsonObject
                {
                    ["offset"] = offset,
                    ["limit"] = limit,
                    ["totalEntries"] = matching.Count,
                    ["totalPages"] = (matching.Count + limit - 1) / limit,
                },
            };
        }

        await SimulatorJson.WriteAsync(context, 200, page);
    }

    private JsonObject ReturnJson(EbayReturn returned) => new()
    {
        ["returnId"] = returned.ReturnId,
        ["orderId"] = returned.OrderId,
        ["buyerLoginName"] = "buyer_sim",
        ["sellerLoginName"] = Options.SellerUserName,
        ["currentType"] = "MONEY_BACK",
        ["state"] = returned.State,
        ["status"] = returned.State,
        ["creationInfo"] = new JsonObject
        {
            ["item"] = new JsonObject { ["itemId"] = returned.ItemId, ["transactionId"] = returned.TransactionId, ["returnQuantity"] = returned.Quantity },
            ["type"] = "MONEY_BACK",
            ["reason"] = "NO_LONGER_NEED_ITEM",
            ["creationDate"] = new JsonObject { ["value"] = Time(returned.Created) },
        },
    };

    private static JsonArray HistoryJson(EbayReturn returned) =>
        SimulatorJson.Array(returned.History.Select(h => (JsonNode)new JsonObject
        {
            ["fromState"] = h.From,
            ["toState"] = h.To,
            ["creationDate"] = new JsonObject { ["value"] = Time(h.At) },
        }));

    private sealed class EbayReturn(string returnId, string orderId, string itemId, string transactionId, int quantity, DateTimeOffset created)
    {
        public string ReturnId { get; } = returnId;

        public string OrderId { get; } = orderId;

        public string ItemId { get; } = itemId;

        public string TransactionId { get; } = transactionId;

        public int Quantity { get; } = quantity;

        public DateTimeOffset Created { get; } = created;

        public string State { get; set; } = ReturnRequested;

        public List<(string From, string To, DateTimeOffset At)> History { get; } = [];
    }
}

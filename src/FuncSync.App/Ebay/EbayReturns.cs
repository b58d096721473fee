using System.Text.Json.Nodes;
using FuncSync.Channels.State;
using FuncSync.Domain;
using FuncSync.Domain.Ledger;
using FuncSync.Ledger;
using FuncSync.Polling;
using Microsoft.Extensions.Options;

namespace FuncSync.Ebay;

/// <summary>
/// eBay returns from the Post-Order API, read after each orders-poll pass. A return the seller got back restocks its
/// units once, through the seller's return policy for eBay (restock or inspect, <see cref="ReturnPolicy"/>); a refund
/// without the item back (the buyer keeps it, or the seller refunds before it arrives and it never does) moves nothing.
/// <para>The search filters by creation date only, while a return's state moves for weeks after. So each pass reads the
/// returns created since the watermark (<see cref="OrderPollWindows"/>: less an overlap, up to now less a settle margin,
/// moved only by a complete pass) and again every return still open from earlier passes, kept in the channel's state
/// until it is restocked or ends. The event id is the return's (<c>ebay:return:{returnId}</c>), so a return read by
/// many passes counts once.</para>
/// </summary>
public sealed class EbayReturns(
    EbayApi ebay,
    OrderPollWindows windows,
    LedgerStore ledger,
    InventoryEventSender inventoryEvents,
    [FromKeyedServices(Channel.Ebay)] ChannelState state,
    IOptions<EbayOptions> options,
    TimeProvider time,
    ILogger<EbayReturns> logger)
{
    public const string WatermarkSource = "ebay-returns";
    private const int PageSize = 200;

    /// <summary>The item is back with the seller.</summary>
    public const string ItemDelivered = "ITEM_DELIVERED";

    /// <summary>Open returns by id, with when each was created: read again every pass until they end.</summary>
    internal static readonly StateKind<DateTimeOffset> OpenReturns = new("open-returns", EbayStateJson.Default.DateTimeOffset);

    // States past which a return no longer changes what is on the shelf: its item is back (and was restocked), or it
    // ended without coming back. A refund may come before or after delivery, so refund states are not among them.
    private static readonly HashSet<string> Ended = ["CLOSED", "ITEM_KEPT", "REPLACEMENT_CLOSED", "RETURN_REJECTED", "CANCELLED"];

    // States a return reaches only after its item was delivered back, if it was returned at all; a return first seen
    // in one of them is judged by its history.
    private static readonly HashSet<string> AfterDelivery = ["REFUND_ISSUED", "LESS_THAN_A_FULL_REFUND_ISSUED", "CLOSED"];

    public static string ReturnId(string returnId) => "ebay:return:" + returnId;

    public async Task PollAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (await windows.OpenAsync(Channel.Ebay, WatermarkSource, settings.OrderPollOverlap, settings.OrderPollSettle, TimeSpan.FromMilliseconds(1), cancellationToken) is not { } window)
        {
            return;
        }

        var open = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        await foreach (var entry in state.ListAsync(OpenReturns, string.Empty, cancellationToken))
        {
            open[entry.Key] = entry.Value;
        }

        // eBay refuses a range starting more than 18 months back; a return still open after a year has ended anyway.
        var oldestAllowed = time.GetUtcNow().AddMonths(-12);
        foreach (var stale in open.Where(o => o.Value < oldestAllowed).Select(o => o.Key).ToList())
        {
            await state.DeleteAsync(OpenReturns, stale, cancellationToken);
            open.Remove(stale);
        }

        var from = open.Count > 0 ? new[] { window.From, open.Values.Min() }.Min() : window.From;
        var (read, restocked) = (0, 0);
        for (var offset = 0; ; offset += PageSize)
        {
            var page = await ebay.SearchReturnsAsync(from, window.Until, offset, PageSize, cancellationToken);
            var members = page["members"] as JsonArray ?? [];
            foreach (var member in members.OfType<JsonNode>())
            {
                read++;
                restocked += await JudgeAsync(member, open, cancellationToken) ? 1 : 0;
            }

            if (members.Count < PageSize || offset + PageSize >= ((int?)page["paginationOutput"]?["totalEntries"] ?? 0))
            {
                break;
            }
        }

        await windows.CompleteAsync(window, cancellationToken);
        logger.LogInformation("eBay returns from {From} to {Until}: {Returns} read, {Restocked} restocked, {Open} still open", from, window.Until, read, restocked, open.Count);
    }

    /// <summary>Sends the return's restock once its item is back; keeps it open until it ends. True when a restock was sent.</summary>
    private async Task<bool> JudgeAsync(JsonNode member, Dictionary<string, DateTimeOffset> open, CancellationToken cancellationToken)
    {
        var returnId = (string?)member["returnId"];
        var stateName = (string?)member["state"] ?? (string?)member["status"];
        var created = EbayOrders.Time(member["creationInfo"]?["creationDate"]?["value"]);
        if (returnId is null || stateName is null || created is null)
        {
            logger.LogWarning("Skipped an eBay return without its id, state or creation date");
            return false;
        }

        var eventId = ReturnId(returnId);
        if (await ledger.IsAppliedEventAsync(eventId, cancellationToken))
        {
            await ForgetAsync(returnId, open, cancellationToken);
            return false;
        }

        var delivered = stateName == ItemDelivered || (AfterDelivery.Contains(stateName) && await WasDeliveredAsync(returnId, cancellationToken));
        if (delivered)
        {
            var sent = await RestockAsync(member, returnId, eventId, cancellationToken);
            await ForgetAsync(returnId, open, cancellationToken);
            return sent;
        }

        if (Ended.Contains(stateName))
        {
            // Refunded or closed without the item back: nothing returns to the shelf.
            logger.LogInformation("eBay return {ReturnId} ended ({State}) without its item back: nothing restocked", returnId, stateName);
            await ForgetAsync(returnId, open, cancellationToken);
            return false;
        }

        if (!open.ContainsKey(returnId))
        {
            await state.UpsertAsync(OpenReturns, returnId, created.Value, cancellationToken);
            open[returnId] = created.Value;
        }

        return false;
    }

    private async Task<bool> WasDeliveredAsync(string returnId, CancellationToken cancellationToken)
    {
        var detail = await ebay.GetReturnAsync(returnId, cancellationToken);
        return (detail?["detail"]?["responseHistory"] as JsonArray ?? []).Any(h => (string?)h?["toState"] == ItemDelivered);
    }

    /// <summary>The return names the listing and the sale (<c>itemId</c>, <c>transactionId</c>), not the SKU: the order
    /// says which line, and so which SKU and which sale the restock undoes.</summary>
    private async Task<bool> RestockAsync(JsonNode member, string returnId, string eventId, CancellationToken cancellationToken)
    {
        var orderId = (string?)member["orderId"];
        var item = member["creationInfo"]?["item"];
        var (itemId, transactionId, quantity) = ((string?)item?["itemId"], (string?)item?["transactionId"], (int?)item?["returnQuantity"] ?? 0);
        var order = orderId is null ? null : await ebay.GetOrderAsync(orderId, cancellationToken);
        var lines = (order?["lineItems"] as JsonArray ?? []).OfType<JsonNode>().Where(l => (string?)l["legacyItemId"] == itemId).ToList();
        var line = lines.FirstOrDefault(l => (string?)l["lineItemId"] == transactionId) ?? (lines.Count == 1 ? lines[0] : null);
        if (line is null || (string?)line["sku"] is not { Length: > 0 } sku || (string?)line["lineItemId"] is not { } lineItemId || quantity <= 0)
        {
            logger.LogWarning("eBay return {ReturnId} names no line of order {OrderId} with a SKU: nothing restocked", returnId, orderId);
            return false;
        }

        var now = time.GetUtcNow();
        await inventoryEvents.SendAsync(
            new InventoryEventReceived(eventId, InventoryEventKind.Return, EbayOrders.Source, new ListingRef(Channel.Ebay, sku), null, quantity, now, now, "eBay return " + returnId, RestockOf: EbayOrders.SaleId(orderId!, lineItemId)),
            cancellationToken);
        return true;
    }

    private async Task ForgetAsync(string returnId, Dictionary<string, DateTimeOffset> open, CancellationToken cancellationToken)
    {
        if (open.Remove(returnId))
        {
            await state.DeleteAsync(OpenReturns, returnId, cancellationToken);
        }
    }
}

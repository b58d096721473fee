using System.Globalization;
using FuncSync.Catalog;
using FuncSync.Channels;
using FuncSync.Domain;
using FuncSync.Ledger;
using FuncSync.Monitoring;
using FuncSync.Polling;
using FuncSync.Webhooks;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace FuncSync.Shopify;

/// <summary>Timer: the backstop for Shopify webhooks that never arrive (Shopify gives up after its retries, and may
/// remove a failing subscription). Every few minutes it reads the orders updated since its watermark (minus an overlap),
/// up to now minus a settle margin, page by page, and sends what they mean to <c>inventory-events</c> with the ids the
/// webhooks give it (<see cref="ShopifyEventTranslator"/>): whichever of the two arrives first counts, the other is a
/// duplicate. Only after a complete pass does the watermark move, to where that pass ended; a pass that fails part-way
/// moves nothing, and the next reads the same orders again.</summary>
public sealed class ShopifyOrderPollFunction(
    ShopifyOrderFeed feed,
    OrderPollWindows windows,
    LedgerStore ledger,
    SkuMapStore map,
    InventoryEventSender inventoryEvents,
    IOptions<ShopifyOptions> options,
    ChannelActivity activity,
    ChannelRegistry channels,
    TimeProvider time,
    ILogger<ShopifyOrderPollFunction> logger)
{
    public const string Name = "ShopifyOrderPoll";
    public const string ScheduleSetting = "Shopify:OrderPollSchedule";

    /// <summary>Where the last complete pass ended (Unix seconds of Shopify's <c>updated_at</c>).</summary>
    public const string WatermarkSource = "shopify-orders";


    [Function(Name)]
    public async Task RunAsync([TimerTrigger("%" + ScheduleSetting + "%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        // The timer exists in every deployment; a seller who does not sell on Shopify is never polled.
        if (!channels.IsEnabled(Channel.Shopify))
        {
            return;
        }

        var settings = options.Value;
        var now = time.GetUtcNow();
        if (await windows.OpenAsync(Channel.Shopify, WatermarkSource, settings.OrderPollOverlap, settings.OrderPollSettle, TimeSpan.FromSeconds(1), cancellationToken) is not { } window)
        {
            return;
        }

        var (from, until) = (window.From, window.Until);
        var (orders, sent, pages) = (0, 0, 0);
        string? after = null;
        do
        {
            var (page, next) = await feed.ReadPageAsync(from, until, after, cancellationToken);
            pages++;
            foreach (var polled in page)
            {
                sent += await SendAsync(polled, now, cancellationToken);
            }

            orders += page.Count;
            after = next;
        }
        while (after is not null);

        await windows.CompleteAsync(window, cancellationToken);
        logger.LogInformation(
            "Shopify orders poll from {From} to {Until}: {Orders} orders in {Pages} pages, {Events} events queued",
            from, until, orders, pages, sent);
    }

    /// <summary>What the webhooks for this order would have sent: its sales (at the seller's capture point), its
    /// cancellation, and the restocks of its refunds.</summary>
    private async Task<int> SendAsync(ShopifyPolledOrder polled, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var order = polled.Order;
        if (polled.Truncated)
        {
            logger.LogWarning(
                "Shopify order {Order} has more lines or refunds than the orders poll reads; the rest is left to its webhooks and the reconciliation",
                order.Name);
        }

        var events = new List<InventoryEventReceived>();
        var sales = IsSold(polled)
            ? ShopifyEventTranslator.Sales(order, EventTimes.FirstPlausible(now, order.CreatedAt, polled.UpdatedAt), now, SkippedLine(order))
            : [];
        events.AddRange(sales);
        if (order.CancelledAt is not null)
        {
            events.AddRange(ShopifyEventTranslator.Cancellations(order, EventTimes.FirstPlausible(now, order.CancelledAt, polled.UpdatedAt), now, SkippedLine(order)));
        }

        foreach (var refund in polled.Refunds)
        {
            events.AddRange(ShopifyEventTranslator.Refund(refund, EventTimes.FirstPlausible(now, refund.CreatedAt, polled.UpdatedAt), now, SkippedRefundLine(refund)));
        }

        // In order: a sale before the restocks that undo it (a restock that still overtakes its sale waits for it).
        // Every pass re-reads its overlap, where nearly everything came by webhook long ago: one point read of the
        // ledger's dedupe row skips those, instead of a queue message and a ledger transaction that find it applied.
        var sent = 0;
        for (var i = 0; i < events.Count; i++)
        {
            var received = events[i];
            if (await ledger.IsAppliedEventAsync(received.EventId, cancellationToken))
            {
                continue;
            }

            if (i < sales.Count)
            {
                await CountCaughtAsync(received, order.CreatedAt ?? polled.UpdatedAt, now, cancellationToken);
            }

            await inventoryEvents.SendAsync(received, cancellationToken);
            sent++;
        }

        return sent;
    }

    /// <summary>The order is a sale at the seller's capture point: at checkout (<c>orders/create</c>), or once paid
    /// (<c>orders/paid</c>, which Shopify sends when the order is paid in full; a later refund keeps it sold).</summary>
    private bool IsSold(ShopifyPolledOrder polled) =>
        !string.Equals(options.Value.SaleTopic, "orders/paid", StringComparison.Ordinal)
        || polled.FinancialStatus is "PAID" or "PARTIALLY_REFUNDED" or "REFUNDED";

    /// <summary>A sale of a mapped listing that the ledger still lacks once its order has settled: the webhook did not
    /// bring it in time, and the poll got there first. Counted for the health report.</summary>
    private async Task CountCaughtAsync(InventoryEventReceived sale, DateTimeOffset soldAt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (sale.Listing is not { } listing || await map.FindSkuAsync(listing, cancellationToken) is null)
        {
            return;
        }

        var gap = now - soldAt;
        logger.LogWarning("Shopify sale {EventId} reached FuncSync by the orders poll, {Gap} after it was made: its webhook was lost or late", sale.EventId, gap);
        await activity.RecordCaughtAsync(Channel.Shopify, sale.EventId, gap, cancellationToken);
    }

    private Action<ShopifyLineItem> SkippedLine(ShopifyOrder order) => line =>
        logger.LogInformation("Orders poll skipped line {LineId} of order {Order}: no variant, or nothing to move", line.Id, order.Name);

    private Action<ShopifyRefundLineItem> SkippedRefundLine(ShopifyRefund refund) => line =>
        logger.LogInformation(
            "Orders poll skipped refund line {LineId} of refund {Refund}: restock type {RestockType} or no variant",
            line.Id, refund.Id.ToString(CultureInfo.InvariantCulture), line.RestockType);
}

using System.Text.Json.Nodes;
using FuncSync.Catalog;
using FuncSync.Channels;
using FuncSync.Domain;
using FuncSync.Ledger;
using FuncSync.Monitoring;
using FuncSync.Polling;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace FuncSync.Ebay;

/// <summary>Timer: the backstop eBay itself asks for beside its notifications (one can be lost). It reads the orders
/// modified since its watermark (minus an overlap) up to now minus a settle margin, a page at a time, and sends what
/// they mean with the same event ids as the notification path (<see cref="EbayOrders"/>): a sale either path brought
/// first is skipped by one point read of the ledger. A cancellation modifies the order, so it comes from the same
/// reads; returns come from the Post-Order API after the pass (<see cref="EbayReturns"/>). The watermark moves only after a complete pass; the first pass starts at now (earlier sales are in the
/// seller's starting counts).</summary>
public sealed class EbayOrderPollFunction(
    EbayApi ebay,
    OrderPollWindows windows,
    LedgerStore ledger,
    SkuMapStore map,
    InventoryEventSender inventoryEvents,
    IOptions<EbayOptions> options,
    ChannelActivity activity,
    EbayReturns returns,
    ChannelRegistry channels,
    TimeProvider time,
    ILogger<EbayOrderPollFunction> logger)
{
    public const string Name = "EbayOrderPoll";
    public const string ScheduleSetting = "Ebay:OrderPollSchedule";

    /// <summary>Where the last complete pass ended (Unix milliseconds of eBay's <c>lastModifiedDate</c>).</summary>
    public const string WatermarkSource = "ebay-orders";


    private const int PageSize = 100;

    [Function(Name)]
    public async Task RunAsync([TimerTrigger("%" + ScheduleSetting + "%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        if (!channels.IsEnabled(Channel.Ebay))
        {
            return;
        }

        await PollAsync(cancellationToken);

        // Returns move for weeks after their order was last modified: the Post-Order API has their own reads.
        await returns.PollAsync(cancellationToken);
    }

    public async Task PollAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        if (await windows.OpenAsync(Channel.Ebay, WatermarkSource, settings.OrderPollOverlap, settings.OrderPollSettle, TimeSpan.FromMilliseconds(1), cancellationToken) is not { } window)
        {
            return;
        }

        var (from, until) = (window.From, window.Until);
        var (orders, sent) = (0, 0);
        for (var offset = 0; ; offset += PageSize)
        {
            var page = await ebay.GetOrdersAsync(from, until, offset, PageSize, cancellationToken);
            var read = page["orders"] as JsonArray ?? [];
            foreach (var order in read.OfType<JsonNode>())
            {
                sent += await SendAsync(order, now, cancellationToken);
            }

            orders += read.Count;
            if (read.Count < PageSize || page["next"] is null)
            {
                break;
            }
        }

        await windows.CompleteAsync(window, cancellationToken);
        logger.LogInformation("eBay orders poll from {From} to {Until}: {Orders} orders, {Events} events queued", from, until, orders, sent);
    }

    private async Task<int> SendAsync(JsonNode order, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var orderId = (string?)order["orderId"];
        var events = EbayOrders.Events(order, now, null, line => logger.LogInformation("Orders poll skipped line {Line} of eBay order {Order}: no SKU or quantity", line, orderId));
        var sent = 0;
        foreach (var received in events)
        {
            if (await ledger.IsAppliedEventAsync(received.EventId, cancellationToken))
            {
                continue;
            }

            if (received.Kind == Domain.Ledger.InventoryEventKind.Sale && received.Listing is { } listing && await map.FindSkuAsync(listing, cancellationToken) is not null)
            {
                var gap = now - (EbayOrders.Time(order["creationDate"]) ?? now);
                logger.LogWarning("eBay sale {EventId} reached FuncSync by the orders poll, {Gap} after it was made: its notification was lost or late", received.EventId, gap);
                await activity.RecordCaughtAsync(Channel.Ebay, received.EventId, gap, cancellationToken);
            }

            await inventoryEvents.SendAsync(received, cancellationToken);
            sent++;
        }

        return sent;
    }
}

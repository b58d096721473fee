using System.Text.Json.Nodes;
using FuncSync.Catalog;
using FuncSync.Channels;
using FuncSync.Domain;
using FuncSync.Monitoring;
using FuncSync.Polling;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace FuncSync.WooCommerce;

/// <summary>Timer: the backstop WooCommerce's webhooks need. WooCommerce never retries a failed delivery, disables the
/// webhook after more than 5 failures in a row, and on a quiet site sends deliveries 10 to 120 minutes late. Every
/// couple of minutes this reads the orders modified since its watermark (less an overlap) up to now less a settle
/// margin, oldest change first, and sends what they mean with the ids the webhook gives
/// (<see cref="WooCommerceOrderEvents"/>): whichever arrives first counts. It pages by the last modification seen
/// rather than by page number, so an order modified during the pass (and so leaving the window) cannot shift another
/// past it. The watermark moves only after a complete pass. A sale found here that the ledger lacked is counted as
/// caught, and after the pass <see cref="WooCommerceWebhookWatch"/> judges whether the webhooks have stopped.</summary>
public sealed class WooCommerceOrderPollFunction(
    WooCommerceApi woo,
    WooCommerceOrderIntake intake,
    OrderPollWindows windows,
    SkuMapStore map,
    IOptions<WooCommerceOptions> options,
    ChannelActivity activity,
    WooCommerceWebhookWatch watch,
    ChannelRegistry channels,
    TimeProvider time,
    ILogger<WooCommerceOrderPollFunction> logger)
{
    public const string Name = "WooCommerceOrderPoll";
    public const string ScheduleSetting = "WooCommerce:OrderPollSchedule";

    /// <summary>Where the last complete pass ended (Unix seconds of <c>date_modified_gmt</c>).</summary>
    public const string WatermarkSource = "woocommerce-orders";


    [Function(Name)]
    public async Task RunAsync([TimerTrigger("%" + ScheduleSetting + "%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        // The timer exists in every deployment; a seller without a WooCommerce website is never polled.
        if (!channels.IsEnabled(Channel.WooCommerce))
        {
            return;
        }

        await PollAsync(cancellationToken);

        // Every sale is in by now; whether the webhooks still bring them sooner is the seller's to fix.
        await watch.CheckAsync(cancellationToken);
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        if (await windows.OpenAsync(Channel.WooCommerce, WatermarkSource, settings.OrderPollOverlap, settings.OrderPollSettle, TimeSpan.FromSeconds(1), cancellationToken) is not { } window)
        {
            return;
        }

        var (from, until) = (window.From, window.Until);
        // modified_after and modified_before are exclusive and WordPress keeps seconds: one second wider on each side.
        var (after, before) = (from.AddSeconds(-1), until.AddSeconds(1));
        var seen = new HashSet<long>();
        var (orders, sent, pages, page) = (0, 0, 0, 1);
        while (true)
        {
            var batch = await woo.ListOrdersAsync(after, before, page, null, cancellationToken);
            pages++;
            var fresh = 0;
            DateTimeOffset? last = null;
            foreach (var order in batch.OfType<JsonNode>())
            {
                last = WooCommerceOrderEvents.Time(order["date_modified_gmt"]) ?? last;
                if (WooCommerceOrderEvents.Id(order["id"]) is not { } id || !seen.Add(id))
                {
                    continue;
                }

                fresh++;
                orders++;
                sent += await SendAsync(order, now, cancellationToken);
            }

            if (batch.Count < WooCommerceApi.MaxPerPage)
            {
                break;
            }

            // Keyset: the next read starts a second before the last change seen; a full page of one second's orders
            // already seen moves to the next page instead.
            (after, page) = fresh > 0 && last is { } next ? (next.AddSeconds(-1), 1) : (after, page + 1);
        }

        await windows.CompleteAsync(window, cancellationToken);
        logger.LogInformation("WooCommerce orders poll from {From} to {Until}: {Orders} orders in {Pages} pages, {Events} events queued", from, until, orders, pages, sent);
    }

    private async Task<int> SendAsync(JsonNode order, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (WooCommerceOrderEvents.Translate(order, now) is not { } events)
        {
            logger.LogWarning("The orders poll skipped a WooCommerce order it could not read");
            return 0;
        }

        var (sales, sent) = await intake.SendAsync(events, cancellationToken);
        var soldAt = WooCommerceOrderEvents.Time(order["date_paid_gmt"]) ?? WooCommerceOrderEvents.Time(order["date_created_gmt"]) ?? now;
        foreach (var sale in sales)
        {
            if (sale.Listing is { } listing && await map.FindSkuAsync(listing, cancellationToken) is not null)
            {
                var gap = now - soldAt;
                logger.LogWarning("WooCommerce sale {EventId} reached FuncSync by the orders poll, {Gap} after it was made: its webhook was lost, late or disabled", sale.EventId, gap);
                await activity.RecordCaughtAsync(Channel.WooCommerce, sale.EventId, gap, cancellationToken);
                await watch.RecordCaughtAsync(soldAt, cancellationToken);
            }
        }

        return sent;
    }
}

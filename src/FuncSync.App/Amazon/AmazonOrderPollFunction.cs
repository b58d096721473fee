using FuncSync.Channels;
using FuncSync.Domain;
using FuncSync.Polling;
using FuncSync.Push;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace FuncSync.Amazon;

/// <summary>Timer: the orders poll, the backstop for notifications that never arrive (and the only intake without a
/// queue). It reads orders changed since its watermark (minus an overlap) up to now minus the settle margin (Amazon's
/// order data appears about two minutes after a change), page by page within getOrders' one request a minute, reads
/// each merchant-fulfilled order's items, and applies them with the ids the notifications give them: whichever path
/// comes first counts. The watermark moves only after a complete pass; a pass throttled or failed part-way moves
/// nothing, and the next reads the same orders again.</summary>
public sealed class AmazonOrderPollFunction(
    AmazonApi amazon,
    AmazonOrderIntake intake,
    OrderPollWindows windows,
    ChannelRegistry channels,
    IOptions<AmazonOptions> options,
    TimeProvider time,
    ILogger<AmazonOrderPollFunction> logger)
{
    public const string Name = "AmazonOrderPoll";
    public const string ScheduleSetting = "Amazon:OrderPollSchedule";

    /// <summary>Where the last complete pass ended (Unix seconds of Amazon's <c>LastUpdateDate</c>).</summary>
    public const string WatermarkSource = "amazon-orders";


    [Function(Name)]
    public async Task RunAsync([TimerTrigger("%" + ScheduleSetting + "%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        if (!channels.IsEnabled(Channel.Amazon))
        {
            return;
        }

        var settings = options.Value;
        if (await windows.OpenAsync(Channel.Amazon, WatermarkSource, settings.OrderPollOverlap, settings.OrderPollSettle, TimeSpan.FromSeconds(1), cancellationToken) is not { } window)
        {
            return;
        }

        var (from, until) = (window.From, window.Until);
        var (orders, applied, pages) = (0, 0, 0);
        string? next = null;
        try
        {
            do
            {
                var (page, token) = await amazon.GetOrdersAsync(from, until, next, cancellationToken);
                pages++;
                foreach (var order in page.OfType<System.Text.Json.Nodes.JsonNode>())
                {
                    orders++;
                    if (AmazonOrderView.Text(order["FulfillmentChannel"]) != "MFN" || AmazonOrderView.Text(order["AmazonOrderId"]) is not { } id)
                    {
                        continue; // FBA orders ship Amazon's stock, not the seller's.
                    }

                    var items = await amazon.GetOrderItemsAsync(id, cancellationToken);
                    applied += await intake.ApplyAsync(AmazonOrderView.FromOrdersApi(order, items), time.GetUtcNow(), skipApplied: true, cancellationToken);
                }

                next = token;
            }
            while (next is not null);
        }
        catch (ChannelThrottledException ex)
        {
            // getOrders allows one request a minute: a run scheduled sooner (or sharing the budget with a notification's
            // order fetch) finds no request left. Not a failure: the window stays open, and the next run resumes from the
            // same watermark; what this one applied counts once.
            logger.LogInformation("Amazon orders poll from {From} paused after {Pages} pages ({Reason}); the next run resumes from here", from, pages, ex.Message);
            return;
        }

        await windows.CompleteAsync(window, cancellationToken);
        logger.LogInformation("Amazon orders poll from {From} to {Until}: {Orders} orders in {Pages} pages, {Applied} events applied", from, until, orders, pages, applied);
    }
}

/// <summary>How far the orders poll has read, for reconciliation.</summary>
public sealed class AmazonPollProgress(WatermarkStore watermarks) : IChannelPoll
{
    public Channel Channel => Channel.Amazon;

    // The default schedule is every two minutes.
    public TimeSpan LongestInterval => TimeSpan.FromMinutes(2);

    public async Task<DateTimeOffset?> CompletedAsync(CancellationToken cancellationToken) =>
        await watermarks.GetAsync(AmazonOrderPollFunction.WatermarkSource, cancellationToken) is { } seconds
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
}

using System.Globalization;
using FuncSync.Channels;
using FuncSync.Domain;
using FuncSync.Domain.Text;
using FuncSync.Monitoring;
using FuncSync.Polling;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace FuncSync.Etsy;

/// <summary>Timer: polls Etsy receipts modified since the watermark (minus an overlap), pages through
/// all of them, queues a sale event per transaction, and only then advances the watermark. A poll that
/// fails part-way moves nothing, and the next one reads the same receipts again; their transaction ids
/// make the repeat harmless. The timer ticks often; <see cref="PollPacer"/> decides which ticks ask Etsy.</summary>
public sealed class EtsyReceiptPollFunction(
    EtsyApi etsy,
    WatermarkStore watermarks,
    EtsyReceiptEvents events,
    EtsyRefundReview refunds,
    [FromKeyedServices(Channel.Etsy)] PollPacer pacer,
    [FromKeyedServices(Channel.Etsy)] SharedPollPacerState sharedPacer,
    IOptions<EtsyOptions> options,
    TimeProvider time,
    ILogger<EtsyReceiptPollFunction> logger,
    ChannelActivity activity,
    ChannelRegistry channels)
{
    public const string Name = "EtsyReceiptPoll";
    public const string ScheduleSetting = "Etsy:PollSchedule";

    public static string WatermarkSource(long shopId) => string.Create(CultureInfo.InvariantCulture, $"etsy-receipts-{shopId}");

    /// <summary>When the last complete poll began: every sale before it is on its way to the ledger. Reconciliation
    /// tells a sale not imported yet from drift by it.</summary>
    public static string CompletedSource(long shopId) => string.Create(CultureInfo.InvariantCulture, $"etsy-receipts-completed-{shopId}");

    /// <summary>Where polling began: the cancellation re-check never gives back a sale from before it.</summary>
    public static string OriginSource(long shopId) => string.Create(CultureInfo.InvariantCulture, $"etsy-receipts-origin-{shopId}");

    [Function(Name)]
    public async Task RunAsync([TimerTrigger("%" + ScheduleSetting + "%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        // The timer exists in every deployment; a seller who does not sell on Etsy is never polled.
        if (!channels.IsEnabled(Channel.Etsy))
        {
            return;
        }

        await sharedPacer.RefreshAsync(pacer, cancellationToken);
        if (!pacer.IsDue())
        {
            return;
        }

        var settings = options.Value;
        var source = WatermarkSource(settings.ShopId);
        var now = time.GetUtcNow();
        var watermark = await watermarks.GetAsync(source, cancellationToken);
        if (watermark is null)
        {
            await watermarks.AdvanceAsync(OriginSource(settings.ShopId), now.ToUnixTimeSeconds() - settings.InitialLookbackSeconds, cancellationToken);
        }

        var from = Math.Max(0, (watermark ?? now.ToUnixTimeSeconds() - settings.InitialLookbackSeconds) - settings.OverlapSeconds);

        var (receipts, requests) = await etsy.GetAllReceiptsAsync(new EtsyReceiptQuery(MinLastModified: from), cancellationToken);

        var sent = await events.SendAsync(EtsyReceiptEvents.Sales(receipts, now), cancellationToken);

        // A receipt that is already canceled when first seen gives its units back in the same pass.
        sent += await events.SendAsync(EtsyReceiptEvents.Cancellations(receipts, now), cancellationToken);

        // Marking a receipt shipped moves its update_timestamp, so the poll sees it again: its units leave the shelf.
        sent += await events.SendAsync(EtsyReceiptEvents.Shipments(receipts, now), cancellationToken);
        // A refund without a cancellation restocks nothing: it is put to the seller, once.
        await refunds.ReviewAsync(receipts, cancellationToken);
        if (receipts.Count > 0)
        {
            // Etsy's own clock, not ours: a skewed local clock cannot skip receipts.
            await watermarks.AdvanceAsync(source, receipts.Max(r => r.UpdateTimestamp), cancellationToken);
        }

        await watermarks.AdvanceAsync(CompletedSource(settings.ShopId), now.ToUnixTimeSeconds(), cancellationToken);

        // Receipts the overlap re-reads are not new sales; only those created since the watermark count as activity.
        var fresh = receipts.Count(r => watermark is null || r.CreateTimestamp > watermark);
        pacer.RecordPoll(fresh, requests);
        await sharedPacer.SaveAsync(pacer.Snapshot(), cancellationToken);
        await activity.RecordPollAsync(Domain.Channel.Etsy, cancellationToken);
        logger.LogInformation(
            "Etsy poll from {From}: {Receipts} receipts ({Fresh} new), {Events} events queued; next in {Interval}",
            DateTimeOffset.FromUnixTimeSeconds(from), receipts.Count, fresh, sent, HumanDuration.Format(pacer.Interval));
    }
}

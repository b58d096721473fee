using FuncSync.Channels;
using FuncSync.Domain;
using FuncSync.Polling;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace FuncSync.Etsy;

/// <summary>Timer, slower than the poll: a cancellation does not reliably move a receipt's update_timestamp, so
/// the poll by min_last_modified can miss it. This re-reads the recent receipts Etsy flags <c>was_canceled</c> and
/// queues one Cancellation per transaction, keyed <c>etsy:cancel:{transaction_id}</c>: the ledger's dedupe row makes
/// each restock happen once, however often the same receipt is seen.</summary>
public sealed class EtsyCancellationCheckFunction(
    EtsyApi etsy,
    WatermarkStore watermarks,
    EtsyReceiptEvents events,
    IOptions<EtsyOptions> options,
    TimeProvider time,
    ILogger<EtsyCancellationCheckFunction> logger,
    ChannelRegistry channels)
{
    public const string Name = "EtsyCancellationCheck";
    public const string ScheduleSetting = "Etsy:CancellationCheckSchedule";

    [Function(Name)]
    public async Task RunAsync([TimerTrigger("%" + ScheduleSetting + "%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        if (!channels.IsEnabled(Channel.Etsy))
        {
            return;
        }

        var settings = options.Value;

        // Before the first poll nothing was sold through FuncSync, so nothing can be given back.
        if (await watermarks.GetAsync(EtsyReceiptPollFunction.OriginSource(settings.ShopId), cancellationToken) is not { } origin)
        {
            return;
        }

        var now = time.GetUtcNow();
        var from = Math.Max(origin, now.AddDays(-settings.CancellationLookbackDays).ToUnixTimeSeconds());
        var query = new EtsyReceiptQuery(MinCreated: from, WasCanceled: true, SortOn: "created");
        var receipts = (await etsy.GetAllReceiptsAsync(query, cancellationToken)).Receipts;

        // The sale events go too: a receipt canceled before any poll saw it must take its units before giving them back.
        var sent = await events.SendAsync(EtsyReceiptEvents.Sales(receipts, now), cancellationToken);
        sent += await events.SendAsync(EtsyReceiptEvents.Cancellations(receipts, now), cancellationToken);
        logger.LogInformation("Etsy cancellation check since {From}: {Receipts} canceled receipts, {Events} events queued", DateTimeOffset.FromUnixTimeSeconds(from), receipts.Count, sent);
    }
}

using FuncSync.Channels;
using FuncSync.Domain;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace FuncSync.Etsy;

/// <summary>Timer, hourly by default: a refund need not move a receipt's update_timestamp, so the poll may never see it.
/// This re-reads the receipts created in the last <see cref="EtsyOptions.RefundLookbackDays"/> days that were not
/// canceled and hands their refunds to <see cref="EtsyRefundReview"/>, which alerts each one once and restocks
/// nothing (cancellations are the cancellation check's).</summary>
public sealed class EtsyRefundCheckFunction(
    EtsyApi etsy,
    EtsyRefundReview review,
    IOptions<EtsyOptions> options,
    TimeProvider time,
    ILogger<EtsyRefundCheckFunction> logger,
    ChannelRegistry channels)
{
    public const string Name = "EtsyRefundCheck";
    public const string ScheduleSetting = "Etsy:RefundCheckSchedule";

    [Function(Name)]
    public async Task RunAsync([TimerTrigger("%" + ScheduleSetting + "%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        if (!channels.IsEnabled(Channel.Etsy))
        {
            return;
        }

        var from = time.GetUtcNow().AddDays(-options.Value.RefundLookbackDays).ToUnixTimeSeconds();
        var (receipts, requests) = await etsy.GetAllReceiptsAsync(new EtsyReceiptQuery(MinCreated: from, WasCanceled: false, SortOn: "created"), cancellationToken);
        var raised = await review.ReviewAsync(receipts, cancellationToken);
        logger.LogInformation(
            "Etsy refund check since {From}: {Receipts} receipts in {Requests} requests, {Raised} new refunds to review",
            DateTimeOffset.FromUnixTimeSeconds(from), receipts.Count, requests, raised);
    }
}

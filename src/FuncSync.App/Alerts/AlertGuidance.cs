namespace FuncSync.Alerts;

/// <summary>Every alert tells the seller what to do next. Producers that know more (an oversell's order to
/// cancel, a low-stock reorder date) say it in their <see cref="AlertAdvice"/>; otherwise the kind's
/// general next step stands, so no alert ever reaches the seller without one.</summary>
public static class AlertGuidance
{
    public static string NextStep(AlertRaised raised)
    {
        ArgumentNullException.ThrowIfNull(raised);
        return raised.Advice?.NextStep is { Length: > 0 } step ? step : NextStep(raised.Kind);
    }

    public static string NextStep(AlertKind kind) => kind switch
    {
        AlertKind.UnmappedListing => "Map the listing to a SKU on the Mappings page; the parked sale is applied as soon as it is mapped.",
        AlertKind.Oversell => "Cancel one of the competing orders and tell its buyer; the other order ships.",
        AlertKind.PushFailed => "Check the channel's connection on the Channels page; FuncSync retries the push by itself once the channel answers.",
        AlertKind.PoisonMessage => "Find the failure in the log (the function named in the alert), fix its cause, then redrive the poison queue: POST /api/poison/{queue}/redrive.",
        AlertKind.Discrepancy => "Check the listing on the channel: if a sale or an edit there explains it, nothing to do; otherwise count the shelf.",
        AlertKind.MissingListing => "Relist the item on the channel, or remove or change its row on the Mappings page.",
        AlertKind.LagBreach => "Nothing is lost, but sales reach other channels late: check the channel's status page, and pause risky one-offs there until it recovers.",
        AlertKind.LowStock => "Reorder or make more; record the delivery when it arrives.",
        AlertKind.RefundReview => "Decide which units came back and record them as a return or an adjustment.",
        AlertKind.UnmatchedRestock => "Check the order on the channel: if the units really came back, record them with a count or an adjustment; otherwise nothing to do.",
        AlertKind.SellsPastZero => "On the channel, turn on inventory tracking for the listing and turn off selling when out of stock, so it cannot sell units you do not have.",
        AlertKind.CancellationRate => "Avoid cancelling orders on this channel this month: pause its one-offs, or cancel on another channel when an oversell happens.",
        AlertKind.CancellationRequested => "Do not ship the order: cancel it on the channel as the buyer asked; FuncSync puts the units back once the channel reports it cancelled.",
        AlertKind.ChannelLimit => "Read the alert for the channel's limit and its setting; FuncSync writes the listing again as soon as the channel allows.",
        AlertKind.WebhookStopped => "Turn the channel's webhooks back on in its settings, pointing at FuncSync; until then its sales arrive by the poll, later.",
        _ => "Open the SKU's history to see what changed.",
    };
}

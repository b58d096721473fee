namespace FuncSync.Alerts;

/// <summary>What travels on the <c>alerts</c> queue: exactly one of <see cref="Raised"/> (a problem
/// was seen) or <see cref="Cleared"/> (the condition behind an alert key is gone).</summary>
public sealed record AlertNotice(AlertRaised? Raised, AlertCleared? Cleared);

/// <summary>Something a seller must look at.</summary>
/// <param name="Key">Identifies the condition, so repeats of one problem are one alert.</param>
/// <param name="Message">What happened, in the seller's words.</param>
/// <param name="Advice">Where it happened and what to do next; null: the kind's general next step.</param>
public sealed record AlertRaised(AlertKind Kind, string Key, string Message, string? Sku, DateTimeOffset RaisedAt, AlertAdvice? Advice = null);

/// <summary>The part of an alert that tells the seller what to do.</summary>
/// <param name="Channel">The channel it happened on, by its display name ("Etsy"); null when it is not one channel's.</param>
/// <param name="NextStep">The seller's next step, one or two sentences.</param>
/// <param name="Oversell">For an oversell: the competing orders, which to cancel and a message for the buyer.</param>
public sealed record AlertAdvice(string? Channel, string NextStep, Domain.Oversells.OversellAdvice? Oversell = null);

/// <summary>The condition behind <paramref name="Key"/> no longer holds: its alert resolves itself.</summary>
public sealed record AlertCleared(AlertKind Kind, string Key, DateTimeOffset ClearedAt);

public enum AlertKind
{
    UnmappedListing,
    Oversell,
    PushFailed,

    /// <summary>A message gave up after the maximum dequeue count and sits in a poison queue.</summary>
    PoisonMessage,

    /// <summary>A channel shows a quantity other than the one FuncSync expects there.</summary>
    Discrepancy,

    /// <summary>The SKU map points at a listing or variant the channel no longer has.</summary>
    MissingListing,

    /// <summary>A channel's measured lag is above its objective.</summary>
    LagBreach,

    /// <summary>Stock at or below its threshold, or cover shorter than the lead time.</summary>
    LowStock,

    /// <summary>A channel refunded money without saying which units came back (Etsy's partial refunds): nothing was
    /// restocked, and the seller decides.</summary>
    RefundReview,

    /// <summary>A cancellation or return asked to put back more than its sale took, or undoes a sale FuncSync never
    /// applied: the excess was not restocked.</summary>
    UnmatchedRestock,

    /// <summary>A channel keeps selling a mapped listing at 0: its stock is not tracked there, or selling past zero is on.</summary>
    SellsPastZero,

    /// <summary>A channel's cancellation rate this month is near the line it holds sellers to (Etsy Star Seller: 1 %).</summary>
    CancellationRate,

    /// <summary>A buyer asked the channel to cancel an order (Amazon's <c>IsBuyerRequestedCancel</c>): nothing moves until
    /// the seller cancels it there, and shipping it anyway counts against the seller.</summary>
    CancellationRequested,
    /// <summary>A channel's own limit binds a listing: eBay's 250 revisions per listing per day nearly spent, or a seller
    /// setting that makes the channel remove a listing at 0 (eBay without Out-of-Stock Control).</summary>
    ChannelLimit,

    /// <summary>A channel's webhooks no longer reach FuncSync (WooCommerce disables one after failed deliveries and
    /// never says so): its sales arrive only by the poll that backs them up, later.</summary>
    WebhookStopped,
}

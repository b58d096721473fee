using FuncSync.Channels.State;

namespace FuncSync.Etsy;

/// <summary>What the Etsy connector keeps in the shared channel state table, kind by kind.</summary>
internal static class EtsyState
{
    /// <summary>The listings FuncSync deactivated to show zero, keyed by listing id.</summary>
    public static readonly StateKind<EtsyDeactivation> DeactivatedListings = new("deactivated-listings", EtsyJson.Default.EtsyDeactivation);

    /// <summary>The refunds put to the seller, keyed as <see cref="EtsyRefundReview.Key"/> names them.</summary>
    public static readonly StateKind<EtsyRefundClaim> Refunds = new("refunds", EtsyJson.Default.EtsyRefundClaim);
}

/// <summary>FuncSync switched the listing off at <paramref name="DeactivatedAt"/> to show zero.</summary>
public sealed record EtsyDeactivation(DateTimeOffset DeactivatedAt);

/// <summary>A refund of <paramref name="ReceiptId"/> claimed for review; <paramref name="Alerted"/> once its alert is out.</summary>
public sealed record EtsyRefundClaim(long ReceiptId, bool Alerted);

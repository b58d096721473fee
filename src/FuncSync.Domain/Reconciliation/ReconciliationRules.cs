namespace FuncSync.Domain.Reconciliation;

/// <summary>How reconciliation judges one listing: what FuncSync expects it to show against what the channel shows.</summary>
/// <param name="Threshold">The smallest difference, in units, that counts (1: any difference).</param>
/// <param name="InFlightGrace">A ledger change this recent whose push has not run yet explains a difference by itself.</param>
/// <param name="ImportSettle">An import is trusted to have landed in the ledger this long after the poll that read it started.</param>
public sealed record ReconciliationRules(int Threshold, TimeSpan InFlightGrace, TimeSpan ImportSettle)
{
    public static ReconciliationRules Default { get; } = new(1, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30));

    public DiscrepancyKind Classify(ListingObservation seen)
    {
        ArgumentNullException.ThrowIfNull(seen);
        if (Math.Abs(seen.Actual - seen.Expected) < Math.Max(1, Threshold))
        {
            return DiscrepancyKind.None;
        }

        if (seen.PushBehindLedger && seen.LedgerChangedAt is { } changed && seen.Now - changed < InFlightGrace)
        {
            return DiscrepancyKind.InFlight;
        }

        // Fewer shown than expected, on a channel FuncSync polls, changed after the last poll began: most likely a
        // buyer, whose sale the next poll imports. Raising the count now could sell that unit twice.
        if (seen.Actual < seen.Expected
            && seen.ChannelChangedAt is { } channelChanged
            && (seen.LastImportStartedAt is not { } imported || channelChanged >= imported - ImportSettle))
        {
            return DiscrepancyKind.PendingImport;
        }

        return DiscrepancyKind.Drift;
    }
}

/// <param name="Expected">The share the push would write for the ledger as it stands.</param>
/// <param name="Actual">What the channel shows buyers.</param>
/// <param name="ChannelChangedAt">When the channel says the listing last changed; null where it does not say.</param>
/// <param name="LastImportStartedAt">When the last complete import of the channel's sales (a poll) began; null for
/// channels that push their sales, or before the first poll.</param>
/// <param name="PushBehindLedger">The last push of this listing reflects an older ledger version.</param>
public sealed record ListingObservation(
    int Expected,
    int Actual,
    DateTimeOffset? ChannelChangedAt,
    DateTimeOffset? LastImportStartedAt,
    DateTimeOffset? LedgerChangedAt,
    bool PushBehindLedger,
    DateTimeOffset Now);

public enum DiscrepancyKind
{
    None,

    /// <summary>A push is on its way; not a discrepancy yet.</summary>
    InFlight,

    /// <summary>Probably a sale the channel has and FuncSync has not imported yet: re-checked after the next import.</summary>
    PendingImport,

    /// <summary>The channel shows something nobody told FuncSync about (an edit behind its back, a lost write).</summary>
    Drift,
}

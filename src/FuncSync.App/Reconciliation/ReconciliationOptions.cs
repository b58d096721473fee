using FuncSync.Domain.Reconciliation;

namespace FuncSync.Reconciliation;

/// <summary><c>Reconciliation__Schedule</c>, <c>Reconciliation__Threshold</c>, <c>Reconciliation__AutoFix</c>.</summary>
public sealed class ReconciliationOptions
{
    public const string Section = "Reconciliation";
    public const string ScheduleSetting = "Reconciliation:Schedule";

    /// <summary>Six-field NCRONTAB, UTC. Daily at 03:30 by default, a quiet hour for most shops.</summary>
    public string Schedule { get; set; } = "0 30 3 * * *";

    /// <summary>The smallest difference, in units, that is a discrepancy (1: any difference).</summary>
    public int Threshold { get; set; } = 1;

    /// <summary>Correct drift found by the timer (through the level-triggered push) without being asked.</summary>
    public bool AutoFix { get; set; }

    /// <summary>How long a ledger change may wait for its push before a difference counts.</summary>
    public TimeSpan InFlightGrace { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long after a poll began its sales are trusted to be in the ledger; a listing that changed later
    /// than that before the poll is still "pending import".</summary>
    public TimeSpan ImportSettle { get; set; } = ReconciliationRules.Default.ImportSettle;

    /// <summary>How many SKUs are compared at once (ledger and push-record reads).</summary>
    public int Concurrency { get; set; } = 8;

    public ReconciliationRules Rules => new(Threshold, InFlightGrace, ImportSettle);
}

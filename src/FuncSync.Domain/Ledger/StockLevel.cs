using System.Collections.Immutable;

namespace FuncSync.Domain.Ledger;

/// <summary>One stock row. On hand is what is on the shelf, including units packed for orders not yet
/// shipped; committed is what buyers have paid for that has not shipped; available, what can still be
/// sold, is always the one minus the other.</summary>
/// <param name="OnHand">Negative only after an oversell a count has not corrected: kept as is.</param>
/// <param name="Committed">Sold, not shipped, not cancelled. Negative for a moment when a shipment or
/// cancellation arrives before its sale.</param>
public readonly record struct StockLevel(int OnHand, int Committed = 0, int PendingInspection = 0)
{
    /// <summary>Units a shelf count can still be told about, when it arrives late (the newest are kept).</summary>
    public const int MaxRememberedMoves = 50;

    /// <summary>Negative after an oversell: it is the truth, kept as is.</summary>
    public int Available => OnHand - Committed;

    /// <summary>When the shelf was last counted; null when it never was (or before the clock was kept).</summary>
    public DateTimeOffset? CountedAt { get; init; }

    /// <summary>Sales made before this were applied before commitments were kept (they took the unit off
    /// on hand at once): their shipments move nothing, their cancellations put the unit back on hand.
    /// Null: every sale the row has seen was committed.</summary>
    public DateTimeOffset? CommittedSince { get; init; }

    /// <summary>On-hand movements since the last count, newest last: a count that arrives after them but
    /// was made before them must not forget them.</summary>
    public ImmutableArray<OnHandMove> Moves { get; init; }

    /// <summary>A row written before on hand and committed were kept: its available was its on hand, and
    /// nothing was committed. Sales from <paramref name="since"/> on are committed.</summary>
    public static StockLevel Migrated(int available, int pendingInspection, DateTimeOffset since) =>
        new(available, 0, pendingInspection) { CommittedSince = since };

    internal ImmutableArray<OnHandMove> MovesOrEmpty => Moves.IsDefault ? [] : Moves;
}

/// <summary>One change of on hand other than a count, when it happened.</summary>
public readonly record struct OnHandMove(DateTimeOffset At, int Units);

/// <summary>The effect of one event on one stock row.</summary>
public readonly record struct StockChange(StockLevel Before, StockLevel After)
{
    public int Delta => After.Available - Before.Available;

    /// <summary>True when the event sold units the ledger no longer had: two channels sold the same unit.</summary>
    public bool IsOversell => After.Available < 0 && Delta < 0;
}

using System.Collections.Immutable;

namespace FuncSync.Domain.Ledger;

/// <summary>How each kind of event moves a stock row. Pure: no storage, no clock.
/// A sale commits units, a shipment takes them off the shelf and out of committed, a cancellation of an
/// unshipped line releases them; a shelf count sets on hand as of when it was made, keeping what moved
/// the shelf after that. So whatever order the events arrive in, they end in the same place, and a count
/// neither forgets a sale nor subtracts it twice.</summary>
public static class StockRules
{
    /// <summary>Units a single event may move; larger figures are a data error, not an order.</summary>
    public const int MaxQuantityPerEvent = 100_000;

    /// <param name="units">Units of this stock row the event moves: never negative, except for an
    /// <see cref="InventoryEventKind.Adjustment"/>, whose sign is its direction.</param>
    /// <param name="at">When the event happened. A count and the shelf moves around it are ordered by
    /// it; null applies the event as the newest (no late count can come before it).</param>
    /// <param name="soldAt">When the sale a shipment or cancellation belongs to was made, when known:
    /// before <see cref="StockLevel.CommittedSince"/> it was applied the old way.</param>
    public static StockChange Apply(
        StockLevel level,
        InventoryEventKind kind,
        int units,
        ReturnDisposition returns = ReturnDisposition.Restock,
        DateTimeOffset? at = null,
        DateTimeOffset? soldAt = null)
    {
        var signed = kind == InventoryEventKind.Adjustment;
        if (units > MaxQuantityPerEvent || units < (signed ? -MaxQuantityPerEvent : 0))
        {
            throw new StockRuleException($"A quantity must be between {(signed ? -MaxQuantityPerEvent : 0)} and {MaxQuantityPerEvent}; got {units}.");
        }

        var legacy = soldAt is { } sold && level.CommittedSince is { } since && sold < since;
        var after = kind switch
        {
            InventoryEventKind.Sale => level with { Committed = checked(level.Committed + units) },
            InventoryEventKind.Cancellation when legacy => Move(level, units, at),
            InventoryEventKind.Cancellation => level with { Committed = checked(level.Committed - units) },
            InventoryEventKind.Fulfilment when legacy => level,
            InventoryEventKind.Fulfilment => Move(level with { Committed = checked(level.Committed - units) }, -units, at),
            InventoryEventKind.FulfilmentCancelled when legacy => level,
            InventoryEventKind.FulfilmentCancelled => Move(level with { Committed = checked(level.Committed + units) }, units, at),
            InventoryEventKind.Receipt or InventoryEventKind.Adjustment => Move(level, units, at),
            InventoryEventKind.Return when returns == ReturnDisposition.Restock => Move(level, units, at),
            InventoryEventKind.Return => level with { PendingInspection = checked(level.PendingInspection + units) },
            InventoryEventKind.InspectionRestocked => Move(level with { PendingInspection = TakeFromInspection(level.PendingInspection, units) }, units, at),
            InventoryEventKind.InspectionWrittenOff => level with { PendingInspection = TakeFromInspection(level.PendingInspection, units) },
            InventoryEventKind.Count => Count(level, units, at),
            _ => throw new StockRuleException($"Unknown event kind {kind}."),
        };
        return new StockChange(level, after);
    }

    /// <summary>True for the kinds whose effect does not depend on the order events arrive in when
    /// they carry no time. With times, counts commute too.</summary>
    public static bool Commutes(InventoryEventKind kind) => kind is not InventoryEventKind.Count;

    /// <summary>A change of on hand at <paramref name="at"/>: already in a count made after it, so
    /// then it moves nothing; otherwise it moves on hand and is remembered for a count that comes late.</summary>
    private static StockLevel Move(StockLevel level, int units, DateTimeOffset? at)
    {
        if (at is not { } when)
        {
            return level with { OnHand = checked(level.OnHand + units) };
        }

        if (level.CountedAt is { } counted && BeforeCount(when, counted))
        {
            return level;
        }

        var moves = level.MovesOrEmpty.Add(new OnHandMove(when, units));
        if (moves.Length > StockLevel.MaxRememberedMoves)
        {
            moves = moves.Sort((a, b) => a.At.CompareTo(b.At)).RemoveAt(0);
        }

        return level with { OnHand = checked(level.OnHand + units), Moves = moves };
    }

    /// <summary>The shelf as counted at <paramref name="at"/>, plus what moved it since. A count older
    /// than the last one changes nothing: the newer one already says more.</summary>
    private static StockLevel Count(StockLevel level, int counted, DateTimeOffset? at)
    {
        if (at is not { } when)
        {
            return level with { OnHand = counted };
        }

        if (level.CountedAt is { } last && when < last)
        {
            return level;
        }

        var later = level.MovesOrEmpty.Where(m => !BeforeCount(m.At, when)).ToImmutableArray();
        return level with { OnHand = checked(counted + later.Sum(m => m.Units)), CountedAt = when, Moves = later };
    }

    /// <summary>Channels stamp events to the whole second. A move stamped in the same second as a count
    /// may have happened on either side of it; it counts as after the count, so on hand errs low (a
    /// unit shown that is not there is an oversell; a unit not shown is one sale later).</summary>
    private static bool BeforeCount(DateTimeOffset move, DateTimeOffset count) => move.ToUnixTimeSeconds() < count.ToUnixTimeSeconds();

    private static int TakeFromInspection(int pending, int units) =>
        units <= pending ? pending - units : throw new StockRuleException($"Only {pending} returned units await inspection; cannot resolve {units}.");
}

/// <summary>An event that the rules cannot apply: the request is wrong, retrying will not help.</summary>
public sealed class StockRuleException : Exception
{
    public StockRuleException()
    {
    }

    public StockRuleException(string message)
        : base(message)
    {
    }

    public StockRuleException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

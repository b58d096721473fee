namespace FuncSync.Domain.Ledger;

/// <summary>How each kind of event moves a stock row. Pure: no storage, no clock.</summary>
public static class StockRules
{
    /// <summary>Units a single event may move; larger figures are a data error, not an order.</summary>
    public const int MaxQuantityPerEvent = 100_000;

    /// <param name="units">Units of this stock row the event moves: never negative, except for an
    /// <see cref="InventoryEventKind.Adjustment"/>, whose sign is its direction.</param>
    public static StockChange Apply(StockLevel level, InventoryEventKind kind, int units, ReturnDisposition returns = ReturnDisposition.Restock)
    {
        var signed = kind == InventoryEventKind.Adjustment;
        if (units > MaxQuantityPerEvent || units < (signed ? -MaxQuantityPerEvent : 0))
        {
            throw new StockRuleException($"A quantity must be between {(signed ? -MaxQuantityPerEvent : 0)} and {MaxQuantityPerEvent}; got {units}.");
        }

        var (available, pending) = level;
        var after = kind switch
        {
            InventoryEventKind.Sale => level with { Available = checked(available - units) },
            InventoryEventKind.Cancellation or InventoryEventKind.Receipt => level with { Available = checked(available + units) },
            InventoryEventKind.Return when returns == ReturnDisposition.Restock => level with { Available = checked(available + units) },
            InventoryEventKind.Return => level with { PendingInspection = checked(pending + units) },
            InventoryEventKind.InspectionRestocked => new StockLevel(checked(available + units), TakeFromInspection(pending, units)),
            InventoryEventKind.InspectionWrittenOff => level with { PendingInspection = TakeFromInspection(pending, units) },
            InventoryEventKind.Count => level with { Available = units },
            InventoryEventKind.Adjustment => level with { Available = checked(available + units) },
            _ => throw new StockRuleException($"Unknown event kind {kind}."),
        };
        return new StockChange(level, after);
    }

    /// <summary>True for the kinds whose effect does not depend on the order events arrive in, so a
    /// reordered stream of them ends in the same place.</summary>
    public static bool Commutes(InventoryEventKind kind) => kind is not InventoryEventKind.Count;

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

namespace FuncSync.Domain.Ledger;

/// <summary>How each kind of event moves a SKU's master quantity. Pure: no storage, no clock.</summary>
public static class StockRules
{
    /// <summary>Units a single event may move; larger figures are a data error, not an order.</summary>
    public const int MaxQuantityPerEvent = 100_000;

    public static StockChange Apply(int available, InventoryEventKind kind, int quantity)
    {
        if (quantity is < 0 or > MaxQuantityPerEvent)
        {
            throw new ArgumentOutOfRangeException(nameof(quantity), quantity, $"A quantity must be between 0 and {MaxQuantityPerEvent}.");
        }

        var after = kind switch
        {
            InventoryEventKind.Sale => checked(available - quantity),
            InventoryEventKind.Count => quantity,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown event kind."),
        };
        return new StockChange(available, after);
    }
}

namespace FuncSync.Domain.Ledger;

/// <summary>One stock row: units available to sell, and returned units awaiting inspection.</summary>
/// <param name="Available">Negative after an oversell: it is the truth, kept as is.</param>
public readonly record struct StockLevel(int Available, int PendingInspection = 0);

/// <summary>The effect of one event on one stock row.</summary>
public readonly record struct StockChange(StockLevel Before, StockLevel After)
{
    public int Delta => After.Available - Before.Available;

    /// <summary>True when the event sold units the ledger no longer had: two channels sold the same unit.</summary>
    public bool IsOversell => After.Available < 0 && Delta < 0;
}

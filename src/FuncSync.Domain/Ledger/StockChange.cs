namespace FuncSync.Domain.Ledger;

/// <summary>The effect of one event on one SKU's master quantity.</summary>
/// <param name="Before">Available before the event.</param>
/// <param name="After">Available after the event. Negative after an oversell: it is the truth, kept as is.</param>
public readonly record struct StockChange(int Before, int After)
{
    public int Delta => After - Before;

    /// <summary>True when the event sold units the ledger no longer had: two channels sold the same unit.</summary>
    public bool IsOversell => After < 0 && Delta < 0;
}

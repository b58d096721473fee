namespace FuncSync.Domain.Ledger;

/// <summary>What happened to stock. Each kind moves the master quantity in its own way.</summary>
public enum InventoryEventKind
{
    /// <summary>A buyer paid for units on a channel: available goes down.</summary>
    Sale,

    /// <summary>A person counted the shelf: available becomes the counted number.</summary>
    Count,
}

namespace FuncSync.Domain.Ledger;

/// <summary>What happened to stock. Each kind moves the master quantity in its own way.</summary>
public enum InventoryEventKind
{
    /// <summary>A buyer paid for units on a channel: they are committed, and available goes down.</summary>
    Sale,

    /// <summary>An order was cancelled before it shipped: its units are no longer committed.</summary>
    Cancellation,

    /// <summary>A buyer sent units back. Restocked at once, or held for inspection, as the seller
    /// chose for the channel.</summary>
    Return,

    /// <summary>Returned units passed inspection and go back on sale.</summary>
    InspectionRestocked,

    /// <summary>Returned units failed inspection and are written off.</summary>
    InspectionWrittenOff,

    /// <summary>A person counted the shelf (units packed for unshipped orders included): on hand becomes
    /// the counted number, plus what moved the shelf after the count was made.</summary>
    Count,

    /// <summary>A person changed stock by a delta, with a reason (damaged, found, gift, ...).</summary>
    Adjustment,

    /// <summary>New stock arrived (made, delivered): available goes up.</summary>
    Receipt,

    /// <summary>Sold units shipped: they leave the shelf and are no longer committed; available does not
    /// move. (Last, so stored numbers of the older kinds keep their meaning.)</summary>
    Fulfilment,

    /// <summary>A shipment was cancelled before it left (a label voided, a fulfilment undone): its units are back on
    /// the shelf and committed to their order again; available does not move.</summary>
    FulfilmentCancelled,
}

/// <summary>What happens to returned units, per channel.</summary>
public enum ReturnDisposition
{
    /// <summary>Returned units are sellable again at once.</summary>
    Restock,

    /// <summary>Returned units wait for a person to inspect them.</summary>
    Inspect,
}

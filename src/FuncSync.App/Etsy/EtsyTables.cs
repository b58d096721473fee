using FuncSync.Storage;

namespace FuncSync.Etsy;

/// <summary>The Etsy connector's tables, as <see cref="StorageNames"/> names them; the storage
/// bootstrap creates them with the others.</summary>
public sealed class EtsyTables(StorageNames names)
{
    public string Listings => names.EtsyListingsTable;

    public string Budget => names.EtsyBudgetTable;

    public string Refunds => names.EtsyRefundsTable;
}

using FuncSync.Catalog;
using FuncSync.Domain;
using FuncSync.Ledger;

namespace FuncSync.Push;

/// <summary>What a push may start from instead of reading it again: the SKU's mapping the caller has just read and,
/// right after the ledger's commit, every channel's push record (read once for all of the SKU's pushes) and the stock
/// as committed.</summary>
/// <param name="Records">Every channel's push record of the SKU, read after <paramref name="Stock"/> was committed.</param>
/// <param name="Stock">The SKU's stock as the ledger committed it.</param>
public sealed record PushStart(SkuMapping Mapping, IReadOnlyDictionary<Channel, PushRecord>? Records = null, SkuAvailability? Stock = null)
{
    /// <summary>The records and stock, when they may stand for a fresh read: a push reads the records before the ledger,
    /// so that no record can have seen a newer ledger state than the stock it is compared with. Stock committed before
    /// the records were read keeps that only while no record is newer than it; otherwise the push reads both again.</summary>
    public (IReadOnlyDictionary<Channel, PushRecord> Records, SkuAvailability Stock)? Usable =>
        Records is { } records && Stock is { } stock && records.Values.All(r => r.LedgerVersion <= stock.Version)
            ? (records, stock)
            : null;
}

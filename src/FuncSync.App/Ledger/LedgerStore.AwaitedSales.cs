using Azure;
using Azure.Data.Tables;
using FuncSync.Storage;

namespace FuncSync.Ledger;

/// <summary>A sale that a cancellation or return reached the ledger before: the restock marks the sale's dedupe row
/// before it is held (<see cref="RestocksAwaitingSale"/>), so the sale's own transaction, which adds that row, fails on
/// the mark and learns that restocks wait for it. A sale nobody awaits (nearly all) looks for holds with no storage
/// request of its own.</summary>
public sealed partial class LedgerStore
{
    private const string AwaitedColumn = "AwaitedByRestocks";

    /// <summary>Marks the sale as awaited by a restock, before the restock is held.</summary>
    /// <returns>False when the ledger has applied the sale already: the restock can be applied now.</returns>
    public async Task<bool> MarkSaleAwaitedAsync(string saleEventId, CancellationToken cancellationToken)
    {
        var key = TableKeys.Join(EventPrefix, saleEventId);
        try
        {
            await table.AddEntityAsync(new TableEntity(shop.Key, key) { [AwaitedColumn] = true }, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Marked by another restock of the sale, or the sale's own row.
            return !await IsAppliedAsync(key, cancellationToken);
        }
    }

    /// <summary>A dedupe row that only marks a sale as awaited: the sale is not applied.</summary>
    private static bool IsAwaitedMark(TableEntity row) => row.GetBoolean(AwaitedColumn) == true;
}

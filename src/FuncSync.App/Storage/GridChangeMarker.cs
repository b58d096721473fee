using Azure.Data.Tables;

namespace FuncSync.Storage;

/// <summary>One row in the shop's ledger partition that writes outside the ledger and the push records touch once they
/// have committed a change the stock grid shows (a SKU mapped or re-mapped; an alert raised, cleared or acknowledged).
/// Its RowKey, <c>stock</c>, sorts just before every <c>stock|…</c> row, so the grid's change query reads the stock
/// rows and this marker in one range query filtered on the server's <c>Timestamp</c>. The write is a blind merge of a
/// constant, so concurrent writers never conflict and only the server's Timestamp moves: it, not this process's clock,
/// says when something changed.</summary>
public sealed class GridChangeMarker(TableClient ledger, ShopPartition shop)
{
    public const string RowKey = "stock";

    public async Task TouchAsync(CancellationToken cancellationToken) =>
        await ledger.UpsertEntityAsync(new TableEntity(shop.Key, RowKey) { ["Marks"] = "grid" }, TableUpdateMode.Merge, cancellationToken);
}

using Azure.Data.Tables;

namespace FuncSync.Ledger;

public sealed partial class LedgerStore
{
    /// <summary>The stock rows of the SKUs from <paramref name="firstSku"/> to <paramref name="lastSku"/> in key order, in
    /// one range query: a page of the stock grid reads its rows without reading the catalogue.</summary>
    public async Task<IReadOnlyDictionary<string, StockRow>> ListStockAsync(string firstSku, string lastSku, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {shop.Key} and RowKey ge {StockKey(firstSku)} and RowKey le {StockKey(lastSku)}");
        var rows = new Dictionary<string, StockRow>(StringComparer.Ordinal);
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            var row = ToStockRow(entity.GetString("Sku"), entity);
            rows[row.Sku] = row;
        }

        return rows;
    }
}

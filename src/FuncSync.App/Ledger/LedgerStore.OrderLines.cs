using Azure.Data.Tables;
using FuncSync.Domain.Costing;
using FuncSync.Storage;

namespace FuncSync.Ledger;

public sealed partial class LedgerStore
{
    /// <summary>The channel sales and the restocks of them that the ledger applied from <paramref name="fromMonth"/> on:
    /// two range queries of the shop's partition (<see cref="OrderLines"/>), whatever the size of the catalogue.</summary>
    public async Task<(IReadOnlyList<SoldLine> Sold, IReadOnlyList<RestockedLine> Restocked)> ListOrderLinesAsync(string fromMonth, CancellationToken cancellationToken)
    {
        var sold = new List<SoldLine>();
        await foreach (var (month, channel, row) in RangeAsync(OrderLines.OrderPrefix, fromMonth, cancellationToken))
        {
            // Orders counted before the ledger kept their SKU count towards the channel's rate only.
            if (row.GetString("Sku") is { } sku)
            {
                sold.Add(new SoldLine(month, sku, channel, row.GetInt32("Units") ?? 0, OrderLines.ReadPrice(row), row.GetInt32("Oversold") ?? 0));
            }
        }

        var restocked = new List<RestockedLine>();
        await foreach (var (month, _, row) in RangeAsync(OrderLines.RestockPrefix, fromMonth, cancellationToken))
        {
            if (row.GetString("Sku") is { } sku)
            {
                restocked.Add(new RestockedLine(month, sku, row.GetInt32("Units") ?? 0, OrderLines.ReadPrice(row)));
            }
        }

        return (sold, restocked);
    }

    private async IAsyncEnumerable<(string Month, string Channel, TableEntity Row)> RangeAsync(string prefix, string fromMonth, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var from = TableKeys.Join(prefix, fromMonth);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {shop.Key} and RowKey ge {from} and RowKey lt {TableKeys.PrefixEnd(prefix + TableKeys.Separator)}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            var parts = row.RowKey.Split(TableKeys.Separator);
            if (parts.Length == 4)
            {
                yield return (parts[1], parts[2], row);
            }
        }
    }
}

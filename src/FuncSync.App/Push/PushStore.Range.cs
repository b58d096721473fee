using Azure.Data.Tables;
using FuncSync.Storage;

namespace FuncSync.Push;

public sealed partial class PushStore
{
    /// <summary>Every channel's record of the SKUs from <paramref name="firstSku"/> to <paramref name="lastSku"/> in key
    /// order, in one range query (the rows are keyed SKU first): a page of the stock grid reads only its own.</summary>
    public async Task<IReadOnlyList<PushRecord>> ListAsync(string firstSku, string lastSku, CancellationToken cancellationToken)
    {
        var from = TableKeys.Join(firstSku, string.Empty);
        var to = TableKeys.PrefixEnd(TableKeys.Join(lastSku, string.Empty));
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {shop.Key} and RowKey ge {from} and RowKey lt {to}");
        var records = new List<PushRecord>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            records.Add(FromEntity(row));
        }

        return records;
    }
}

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

    /// <summary>Whether the ledger has applied <paramref name="received"/>; and when it is a channel's sale that was applied
    /// without a price (it first came by a path that carries none, such as Amazon's notifications) and now comes with
    /// one, the price is added to its order line and its dedupe row (so its restocks give back their share). One read of
    /// the dedupe row, as <see cref="IsAppliedEventAsync"/>; one transaction only when a price is added.</summary>
    public async Task<bool> IsAppliedAsync(InventoryEventReceived received, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(received);
        if (received is not { Kind: Domain.Ledger.InventoryEventKind.Sale, LineTotal: { } paid, Listing: { } listing })
        {
            return await IsAppliedEventAsync(received.EventId, cancellationToken);
        }

        var found = await table.GetEntityIfExistsAsync<TableEntity>(shop.Key, TableKeys.Join(EventPrefix, received.EventId), cancellationToken: cancellationToken);
        if (!found.HasValue || IsAwaitedMark(found.Value!))
        {
            return false;
        }

        var sale = found.Value!;
        if (OrderLines.ReadPrice(sale) is null && sale.GetDateTimeOffset("AppliedAt") is { } appliedAt)
        {
            var priced = new TableEntity(shop.Key, sale.RowKey);
            OrderLines.WritePrice(priced, paid);
            var line = new TableEntity(shop.Key, OrderLines.OrderKey(OrderLines.Month(appliedAt), listing.Channel, received.EventId));
            OrderLines.WritePrice(line, paid);
            try
            {
                // Guarded by the sale's ETag and the line's existence: a restock claiming units meanwhile, or a line
                // never written (a sale applied before lines were kept), leaves it unpriced rather than half-priced.
                await table.SubmitTransactionAsync(
                    [new TableTransactionAction(TableTransactionActionType.UpdateMerge, priced, sale.ETag), new TableTransactionAction(TableTransactionActionType.UpdateMerge, line, Azure.ETag.All)],
                    cancellationToken);
            }
            catch (Azure.RequestFailedException ex) when (ex.Status is 404 or 412)
            {
            }
        }

        return true;
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

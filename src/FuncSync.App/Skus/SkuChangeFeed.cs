using Azure;
using Azure.Data.Tables;
using FuncSync.Catalog;
using FuncSync.Hosting.Storage;
using FuncSync.Storage;

namespace FuncSync.Skus;

/// <summary>What changed in the stock grid since a moment of the storage service's own clock, read from the rows' server
/// <c>Timestamp</c>: nothing on the hot path writes anything for it. A poll of an unchanged shop costs two queries that
/// answer nothing: the stock rows with the grid's change marker (<see cref="GridChangeMarker"/>, touched by mapping and
/// alert changes) in one range of the ledger partition, and the push records. Only when the marker moved is the SKU map
/// asked which rows changed.</summary>
public sealed class SkuChangeFeed(StorageClients storage, StorageNames names, ShopPartition shop, SkuMapStore map, TimeProvider time)
{
    /// <summary>How far the next token stays behind the service's clock. Its Date header has whole seconds, and a write
    /// can commit with a Timestamp a little before the moment a query that did not see it ran; rows changed within this
    /// window come again in the next answer, which the grid takes as the same row.</summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromSeconds(5);

    /// <summary>The marker is touched after the mapping commits, so a writer that stalls between the two could leave
    /// its rows older than the token: the SKU map is read this far back whenever the marker moved.</summary>
    private static readonly TimeSpan CatalogLookback = TimeSpan.FromMinutes(2);

    private static readonly string StockFrom = GridChangeMarker.RowKey;
    private static readonly string StockTo = TableKeys.PrefixEnd(GridChangeMarker.RowKey + TableKeys.Separator);

    public async Task<SkuChanges> ReadAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var ledger = storage.Table(names.LedgerTable);
        var pushes = storage.Table(names.PushesTable);
        var stockFilter = TableClient.CreateQueryFilter($"PartitionKey eq {shop.Key} and RowKey ge {StockFrom} and RowKey lt {StockTo} and Timestamp ge {since}");
        var pushFilter = TableClient.CreateQueryFilter($"PartitionKey eq {shop.Key} and Timestamp ge {since}");
        var stockTask = ReadSkusAsync(ledger, stockFilter, cancellationToken);
        var pushTask = ReadSkusAsync(pushes, pushFilter, cancellationToken);
        var (stock, markerMoved, stockClock) = await stockTask;
        var (pushed, _, pushClock) = await pushTask;

        var skus = new HashSet<string>(stock, StringComparer.Ordinal);
        skus.UnionWith(pushed);
        if (markerMoved)
        {
            skus.UnionWith(await map.ChangedSinceAsync(since - CatalogLookback, cancellationToken));
        }

        // The earlier of the two answers' clocks: nothing either query missed is older than it.
        var clock = new[] { stockClock, pushClock }.OfType<DateTimeOffset>().DefaultIfEmpty(time.GetUtcNow()).Min();
        return new SkuChanges(skus, markerMoved, clock - Overlap);
    }

    private static async Task<(List<string> Skus, bool MarkerMoved, DateTimeOffset? Clock)> ReadSkusAsync(TableClient table, string filter, CancellationToken cancellationToken)
    {
        var skus = new List<string>();
        var marker = false;
        DateTimeOffset? clock = null;
        await foreach (var page in table.QueryAsync<TableEntity>(filter, select: ["RowKey", "Sku"], cancellationToken: cancellationToken).AsPages())
        {
            clock ??= ServiceClock(page.GetRawResponse());
            foreach (var row in page.Values)
            {
                if (row.RowKey == GridChangeMarker.RowKey)
                {
                    marker = true;
                }
                else if (row.GetString("Sku") is { } sku)
                {
                    skus.Add(sku);
                }
            }
        }

        return (skus, marker, clock);
    }

    private static DateTimeOffset? ServiceClock(Response response) =>
        response.Headers.Date;
}

/// <param name="Skus">Every SKU whose stock row, push record or mapping changed.</param>
/// <param name="MarkerMoved">A mapping or an alert changed: the open alerts are read again.</param>
/// <param name="Next">Where the next read starts.</param>
public sealed record SkuChanges(IReadOnlySet<string> Skus, bool MarkerMoved, DateTimeOffset Next);

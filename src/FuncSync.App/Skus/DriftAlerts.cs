using Azure.Data.Tables;
using FuncSync.Alerts;
using FuncSync.Storage;

namespace FuncSync.Skus;

/// <summary>The SKUs with an open discrepancy alert: a reconciliation read a channel showing something other
/// than FuncSync expects there. Read from the rows the alerts function keeps.</summary>
public sealed class DriftAlerts(TableClient alerts, ShopPartition shop)
{
    public async Task<IReadOnlySet<string>> SkusAsync(string? sku, CancellationToken cancellationToken)
    {
        var kind = nameof(AlertKind.Discrepancy);
        var filter = sku is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {shop.Key} and Kind eq {kind} and Status eq 'open'")
            : TableClient.CreateQueryFilter($"PartitionKey eq {shop.Key} and Kind eq {kind} and Status eq 'open' and Sku eq {sku}");
        var skus = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var row in alerts.QueryAsync<TableEntity>(filter, select: ["Sku"], cancellationToken: cancellationToken))
        {
            if (row.GetString("Sku") is { } found)
            {
                skus.Add(found);
            }
        }

        return skus;
    }
}

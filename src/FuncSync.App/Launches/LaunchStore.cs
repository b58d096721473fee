using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using FuncSync.Domain.Allocation;
using FuncSync.Json;
using FuncSync.Storage;

namespace FuncSync.Launches;

/// <summary>The seller's scheduled launches, one row each in the shop's partition. A push asks for the
/// launches running now; the partition holds only a handful, and finished ones are pruned when a
/// launch is added.</summary>
public sealed class LaunchStore(TableClient table, ShopPartition shop)
{
    private const string Prefix = "launch";

    public async Task AddAsync(ScheduledLaunch launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        await table.AddEntityAsync(
            new TableEntity(shop.Key, TableKeys.Join(Prefix, launch.Id))
            {
                ["Name"] = launch.Name,
                ["Skus"] = JsonSerializer.Serialize(launch.Skus.ToArray(), FuncSyncJson.Default.StringArray),
                ["SkuPrefix"] = launch.SkuPrefix,
                ["Tag"] = launch.Tag,
                ["Start"] = launch.Start,
                ["End"] = launch.End,
            },
            cancellationToken);
    }

    /// <returns>The launch removed; null when there was none.</returns>
    public async Task<ScheduledLaunch?> RemoveAsync(string id, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(shop.Key, TableKeys.Join(Prefix, id), cancellationToken: cancellationToken);
        if (!row.HasValue)
        {
            return null;
        }

        try
        {
            await table.DeleteEntityAsync(shop.Key, row.Value!.RowKey, row.Value.ETag, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            // Removed by another request meanwhile.
        }

        return FromEntity(row.Value!);
    }

    /// <summary>Launches not over at <paramref name="now"/>, soonest first.</summary>
    public async Task<IReadOnlyList<ScheduledLaunch>> ListAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var from = Prefix + TableKeys.Separator;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {shop.Key} and RowKey ge {from} and RowKey lt {TableKeys.PrefixEnd(from)} and End gt {now}");
        var launches = new List<ScheduledLaunch>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            launches.Add(FromEntity(row));
        }

        return launches.OrderBy(l => l.Start).ToList();
    }

    /// <summary>Deletes launches over before <paramref name="now"/>: they no longer change anything.</summary>
    public async Task PruneAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var from = Prefix + TableKeys.Separator;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {shop.Key} and RowKey ge {from} and RowKey lt {TableKeys.PrefixEnd(from)} and End le {now}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            try
            {
                await table.DeleteEntityAsync(shop.Key, row.RowKey, ETag.All, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // Pruned by another request meanwhile.
            }
        }
    }

    private static ScheduledLaunch FromEntity(TableEntity row)
    {
        var start = row.GetDateTimeOffset("Start") ?? default;
        return new ScheduledLaunch(
            row.RowKey[(Prefix.Length + 1)..],
            row.GetString("Name") ?? string.Empty,
            JsonSerializer.Deserialize(row.GetString("Skus") ?? "[]", FuncSyncJson.Default.StringArray) ?? [],
            row.GetString("SkuPrefix"),
            start,
            (row.GetDateTimeOffset("End") ?? start) - start)
        {
            Tag = row.GetString("Tag"),
        };
    }
}

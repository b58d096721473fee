using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using FuncSync.Hosting.Functions;
using FuncSync.Json;
using FuncSync.Storage;

namespace FuncSync.Alerts;

/// <summary>Queue function on <c>alerts</c>: keeps one row per alert key (how often, first and last
/// seen, the latest message) and writes it to the log a seller or Application Insights watches.</summary>
public sealed class StoreAlertFunction(TableClient table, ShopPartition shop, ILogger<StoreAlertFunction> logger) : IQueueFunction
{
    public const string Name = "StoreAlert";

    public async Task RunAsync(QueueTriggerMessage message, CancellationToken cancellationToken)
    {
        var notice = JsonSerializer.Deserialize(message.Body, FuncSyncJson.Default.AlertNotice)
            ?? throw new InvalidDataException("The alert message is empty.");
        if (notice.Cleared is { } cleared)
        {
            await ResolveAsync(cleared, cancellationToken);
            return;
        }

        var alert = notice.Raised ?? throw new InvalidDataException("The alert message says neither raised nor cleared.");
        var rowKey = TableKeys.Join(alert.Kind.ToString(), alert.Key);

        while (true)
        {
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(shop.Key, rowKey, cancellationToken: cancellationToken);
            var row = existing.HasValue ? existing.Value! : new TableEntity(shop.Key, rowKey) { ["FirstRaisedAt"] = alert.RaisedAt };
            row["Kind"] = alert.Kind.ToString();
            row["Key"] = alert.Key;
            row["Sku"] = alert.Sku;
            row["Message"] = alert.Message;
            row["LastRaisedAt"] = alert.RaisedAt;
            row["Count"] = (row.GetInt32("Count") ?? 0) + 1;
            row["Status"] = "open";
            try
            {
                if (existing.HasValue)
                {
                    await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await table.AddEntityAsync(row, cancellationToken);
                }

                break;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // The same alert raised concurrently: count it on the fresh row.
            }
        }

        logger.LogWarning("Alert {Kind} {Key}: {Message}", alert.Kind, alert.Key, alert.Message);
    }

    private async Task ResolveAsync(AlertCleared cleared, CancellationToken cancellationToken)
    {
        var rowKey = TableKeys.Join(cleared.Kind.ToString(), cleared.Key);
        while (true)
        {
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(shop.Key, rowKey, cancellationToken: cancellationToken);
            if (!existing.HasValue || existing.Value!.GetString("Status") == "resolved")
            {
                return;
            }

            var row = existing.Value;
            row["Status"] = "resolved";
            row["ResolvedAt"] = cleared.ClearedAt;
            try
            {
                await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                // Raised again meanwhile: decide on the fresh row.
            }
        }
    }
}

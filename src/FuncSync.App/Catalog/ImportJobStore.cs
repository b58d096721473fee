using Azure;
using Azure.Data.Tables;
using FuncSync.Storage;

namespace FuncSync.Catalog;

/// <summary>Import jobs in Table Storage, one row per job in the shop's partition. Progress is written with the row's
/// ETag, so of two runs of one job (a redelivered message beside a continuing one) only one moves it on.</summary>
public sealed class ImportJobStore(TableClient table, ShopPartition shop)
{
    private const string Prefix = "import";

    /// <returns>False when a job with this id exists already (an import sent again with the same key).</returns>
    public async Task<bool> TryCreateAsync(ImportJob job, CancellationToken cancellationToken)
    {
        try
        {
            await table.AddEntityAsync(ToEntity(job), cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    public async Task<ImportJob?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(shop.Key, TableKeys.Join(Prefix, id), cancellationToken: cancellationToken);
        return row.HasValue ? FromEntity(row.Value!) : null;
    }

    /// <returns>The job as saved (with its new ETag), or null when another run saved it first.</returns>
    public async Task<ImportJob?> TrySaveAsync(ImportJob job, CancellationToken cancellationToken)
    {
        try
        {
            var response = await table.UpdateEntityAsync(ToEntity(job), job.ETag, TableUpdateMode.Replace, cancellationToken);
            return job with { ETag = response.Headers.ETag ?? default };
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            return null;
        }
    }

    private TableEntity ToEntity(ImportJob job) => new(shop.Key, TableKeys.Join(Prefix, job.Id))
    {
        ["Id"] = job.Id,
        ["State"] = job.State.ToString(),
        ["Source"] = job.Source,
        ["Rows"] = job.Rows,
        ["Counted"] = job.Counted,
        ["Batches"] = job.Batches,
        ["NextBatch"] = job.NextBatch,
        ["AppliedRows"] = job.AppliedRows,
        ["Attempts"] = job.Attempts,
        ["Error"] = job.Error,
        ["CreatedAt"] = job.CreatedAt,
        ["UpdatedAt"] = job.UpdatedAt,
        ["CompletedAt"] = job.CompletedAt,
    };

    private static ImportJob FromEntity(TableEntity row) => new(
        row.GetString("Id"),
        Enum.Parse<ImportState>(row.GetString("State")),
        row.GetString("Source") ?? "csv",
        row.GetInt32("Rows") ?? 0,
        row.GetInt32("Counted") ?? 0,
        row.GetInt32("Batches") ?? 0,
        row.GetInt32("NextBatch") ?? 0,
        row.GetInt32("AppliedRows") ?? 0,
        row.GetInt32("Attempts") ?? 0,
        row.GetString("Error"),
        row.GetDateTimeOffset("CreatedAt") ?? default,
        row.GetDateTimeOffset("UpdatedAt") ?? default,
        row.GetDateTimeOffset("CompletedAt"))
    {
        ETag = row.ETag,
    };
}

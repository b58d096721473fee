using FuncSync.Hosting.Storage;

namespace FuncSync.Storage;

/// <summary>Creates FuncSync's tables, queues and containers before any trigger starts, so no
/// function meets a missing resource. Idempotent; in Azure the Bicep template creates them too.</summary>
public sealed class StorageBootstrap(StorageClients storage, StorageNames names, ILogger<StorageBootstrap> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var table in names.Tables)
        {
            await storage.Tables.CreateTableIfNotExistsAsync(table, cancellationToken);
        }

        foreach (var queue in names.Queues)
        {
            await storage.Queue(queue).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }

        await storage.Blobs.GetBlobContainerClient(names.RejectedWebhooksContainer).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        logger.LogInformation("Storage ready: {Tables} tables, {Queues} queues", names.Tables.Count(), names.Queues.Count());
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

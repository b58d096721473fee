using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Azure;
using FuncSync.Hosting.Storage;
using FuncSync.Json;
using FuncSync.Mapping;
using FuncSync.Storage;

namespace FuncSync.Reconciliation;

/// <summary>The last reconciliation report and the last mapping audit, one blob each: a report of a thousand
/// discrepancies outgrows a table property, and each is only ever read whole.</summary>
public sealed class ReportBlobs(StorageClients storage, StorageNames names, ShopPartition shop)
{
    public Task SaveReconciliationAsync(ReconciliationReport report, CancellationToken cancellationToken) =>
        SaveAsync("reconciliation.json", report, FuncSyncJson.Default.ReconciliationReport, cancellationToken);

    public Task<ReconciliationReport?> GetReconciliationAsync(CancellationToken cancellationToken) =>
        GetAsync("reconciliation.json", FuncSyncJson.Default.ReconciliationReport, cancellationToken);

    public Task SaveMappingAuditAsync(MappingAuditReport report, CancellationToken cancellationToken) =>
        SaveAsync("mapping-audit.json", report, FuncSyncJson.Default.MappingAuditReport, cancellationToken);

    public Task<MappingAuditReport?> GetMappingAuditAsync(CancellationToken cancellationToken) =>
        GetAsync("mapping-audit.json", FuncSyncJson.Default.MappingAuditReport, cancellationToken);

    private async Task SaveAsync<T>(string name, T report, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        var container = storage.Blobs.GetBlobContainerClient(names.ReconciliationContainer);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await container.GetBlobClient(BlobName(name)).UploadAsync(BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(report, type)), overwrite: true, cancellationToken);
    }

    private async Task<T?> GetAsync<T>(string name, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            var content = await storage.Blobs.GetBlobContainerClient(names.ReconciliationContainer).GetBlobClient(BlobName(name)).DownloadContentAsync(cancellationToken);
            return JsonSerializer.Deserialize(content.Value.Content.ToMemory().Span, type);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    private string BlobName(string name) => $"{TableKeys.Escape(shop.Key)}/{name}";
}

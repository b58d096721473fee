using System.Text.Json;
using FuncSync.Hosting.Functions;
using FuncSync.Json;
using FuncSync.Storage;

namespace FuncSync.Catalog;

/// <summary>The one way onto the <c>catalog-imports</c> queue.</summary>
public sealed class CatalogImportSender(IQueueSender queues, StorageNames names)
{
    public Task SendAsync(ImportQueued message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return queues.SendAsync(names.CatalogImportsQueue, JsonSerializer.Serialize(message, FuncSyncJson.Default.ImportQueued), cancellationToken);
    }
}

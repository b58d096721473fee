using System.Text.Json;
using FuncSync.Json;
using FuncSync.Storage;
using Microsoft.Azure.Functions.Worker;

namespace FuncSync.Catalog;

/// <summary>Queue function on <c>catalog-imports</c>: applies an import job's next batches.</summary>
public sealed class ApplyImportFunction(ImportJobRunner runner)
{
    public const string Name = "ApplyImport";

    [Function(Name)]
    public async Task RunAsync([QueueTrigger(StorageNames.CatalogImports, Connection = StorageNames.Connection)] string message, CancellationToken cancellationToken)
    {
        var queued = JsonSerializer.Deserialize(message, FuncSyncJson.Default.ImportQueued)
            ?? throw new InvalidDataException("The import message is empty.");
        await runner.RunAsync(queued.ImportId, cancellationToken);
    }
}

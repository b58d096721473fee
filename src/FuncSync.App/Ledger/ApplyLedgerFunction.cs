using System.Text.Json;
using FuncSync.Json;
using FuncSync.Storage;
using Microsoft.Azure.Functions.Worker;

namespace FuncSync.Ledger;

/// <summary>Queue function on <c>inventory-events</c>: applies each event exactly once.</summary>
public sealed class ApplyLedgerFunction(InventoryEventApplier applier)
{
    public const string Name = "ApplyLedger";

    [Function(Name)]
    public async Task RunAsync([QueueTrigger(StorageNames.InventoryEvents, Connection = StorageNames.Connection)] string message, CancellationToken cancellationToken)
    {
        // A body that is not an event throws here: retried, then kept in the poison queue for a person.
        var received = JsonSerializer.Deserialize(message, FuncSyncJson.Default.InventoryEventReceived)
            ?? throw new InvalidDataException("The inventory event message is empty.");
        await applier.ApplyAsync(received, cancellationToken);
    }
}

using System.Text.Json;
using FuncSync.Hosting.Functions;
using FuncSync.Json;
using FuncSync.Telemetry;

namespace FuncSync.Ledger;

/// <summary>Queue function on <c>inventory-events</c>: applies each event exactly once.</summary>
public sealed class ApplyLedgerFunction(InventoryEventApplier applier) : IQueueFunction
{
    public const string Name = "ApplyLedger";

    public async Task RunAsync(QueueTriggerMessage message, CancellationToken cancellationToken)
    {
        // A body that is not an event throws here: retried, then kept in the poison queue for a person.
        var received = JsonSerializer.Deserialize(message.Body, FuncSyncJson.Default.InventoryEventReceived)
            ?? throw new InvalidDataException("The inventory event message is empty.");
        var outcome = await applier.ApplyAsync(received, cancellationToken);
        FuncSyncTelemetry.EventsApplied.Add(1, new KeyValuePair<string, object?>("outcome", outcome.ToString()));
    }
}

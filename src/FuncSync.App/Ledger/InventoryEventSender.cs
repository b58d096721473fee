using System.Text.Json;
using FuncSync.Hosting.Functions;
using FuncSync.Json;
using FuncSync.Storage;

namespace FuncSync.Ledger;

/// <summary>The one way onto the <c>inventory-events</c> queue: every intake (webhooks, polls, level checks,
/// the catalog import) hands its event here, so the queue's message shape is written in one place.</summary>
public sealed class InventoryEventSender(IQueueSender queues, StorageNames names)
{
    public Task SendAsync(InventoryEventReceived received, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(received);
        return queues.SendAsync(names.InventoryEventsQueue, JsonSerializer.Serialize(received, FuncSyncJson.Default.InventoryEventReceived), cancellationToken);
    }

    /// <summary>Sends again an event that was parked or held as this sender's own message text: sent as stored,
    /// so a field this version does not know is not lost on the way back.</summary>
    public Task ResendAsync(string storedEvent, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(storedEvent);
        return queues.SendAsync(names.InventoryEventsQueue, storedEvent, cancellationToken);
    }
}

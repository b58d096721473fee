using System.Text.Json;
using FuncSync.Hosting.Functions;
using FuncSync.Json;
using FuncSync.Storage;

namespace FuncSync.Ledger;

/// <summary>The one way into the ledger for every intake (webhooks, polls, level checks, the catalog import): an event
/// goes onto the <c>inventory-events</c> queue, or, while <see cref="ApplyAtOnce"/> is in force, straight into the
/// ledger. The queue's message shape is written in one place.</summary>
/// <remarks>The applier is resolved on first use: it sends held restocks back through this sender.</remarks>
public sealed class InventoryEventSender(IQueueSender queues, StorageNames names, IServiceProvider services, ILogger<InventoryEventSender> logger)
{
    private static readonly AsyncLocal<bool> AtOnce = new();

    /// <summary>Until disposed, the events this flow sends are applied here and now, each with its pushes: for a caller
    /// that is itself a durable, retried queue message (a webhook taken from the inbox), which already carries them, so
    /// a queue hop per event would only add storage requests and latency. An event whose application fails goes on the
    /// queue after all, where it gets its own retries and, in the end, its own poison message.</summary>
    public static IDisposable ApplyAtOnce()
    {
        AtOnce.Value = true;
        return new Scope();
    }

    public async Task SendAsync(InventoryEventReceived received, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(received);
        if (AtOnce.Value && await TryApplyAsync(received, cancellationToken))
        {
            return;
        }

        await queues.SendAsync(names.InventoryEventsQueue, JsonSerializer.Serialize(received, FuncSyncJson.Default.InventoryEventReceived), cancellationToken);
    }

    /// <summary>Sends again an event that was parked or held as this sender's own message text: sent as stored,
    /// so a field this version does not know is not lost on the way back.</summary>
    public Task ResendAsync(string storedEvent, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(storedEvent);
        return queues.SendAsync(names.InventoryEventsQueue, storedEvent, cancellationToken);
    }

    private async Task<bool> TryApplyAsync(InventoryEventReceived received, CancellationToken cancellationToken)
    {
        // Whatever the application sends on its way (a held restock, a level check) is queued, not applied inside it.
        AtOnce.Value = false;
        using var span = Telemetry.FuncSyncTelemetry.Source.StartActivity(ApplyLedgerFunction.Name);
        span?.SetTag("faas.name", ApplyLedgerFunction.Name);
        try
        {
            await services.GetRequiredService<InventoryEventApplier>().ApplyAsync(received, cancellationToken);
            return true;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.GetType().Name);
            logger.LogWarning("Applying {EventId} at once failed ({Error}); queued for retry", received.EventId, ex.Message);
            return false;
        }
    }

    private sealed class Scope : IDisposable
    {
        public void Dispose() => AtOnce.Value = false;
    }
}

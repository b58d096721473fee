using Azure;
using FuncSync.Alerts;
using FuncSync.Hosting.Functions;
using FuncSync.Hosting.Queues;
using FuncSync.Hosting.Storage;
using FuncSync.Storage;

namespace FuncSync.Monitoring;

/// <summary>Poison queues: their depth, one PoisonMessage alert per queue while anything is in one, and
/// the re-drive that sends the messages back once their cause is fixed.</summary>
public sealed class PoisonQueueMonitor(StorageClients storage, StorageNames names, IQueueSender queues, AlertSender alerts, AlertStore store) : IPoisonMessageObserver
{
    public static string AlertKey(string queue) => $"poison:{queue}";

    /// <summary>The queue names FuncSync listens on, as the health check lists them.</summary>
    public bool IsKnownQueue(string queue) => names.Queues.Contains(queue, StringComparer.Ordinal);

    public async Task<int> DepthAsync(string queue, CancellationToken cancellationToken)
    {
        try
        {
            return (await storage.Queue(queue).GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // A poison queue exists only once something was poisoned.
            return 0;
        }
    }

    /// <summary>Raised at once when this process moves a message (the runtime tells it).</summary>
    public Task OnPoisonedAsync(PoisonedMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return alerts.RaiseAsync(
            AlertKind.PoisonMessage,
            AlertKey(message.QueueName),
            $"A message on {message.QueueName} failed {message.DequeueCount} times in {message.FunctionName} and was moved to {message.PoisonQueueName}. Fix the cause, then POST /api/poison/{message.QueueName}/redrive.",
            null,
            cancellationToken);
    }

    /// <summary>Under the Functions host nobody tells us: a timer compares each poison queue's depth
    /// with the open alerts, raising for a queue that holds messages and clearing an emptied one.</summary>
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        foreach (var queue in names.Queues)
        {
            var depth = await DepthAsync(PoisonQueues.NameFor(queue), cancellationToken);
            var active = await store.IsActiveAsync(AlertKind.PoisonMessage, AlertKey(queue), cancellationToken);
            if (depth > 0 && !active)
            {
                await alerts.RaiseAsync(
                    AlertKind.PoisonMessage,
                    AlertKey(queue),
                    $"{depth} message(s) wait in {PoisonQueues.NameFor(queue)}. Fix the cause, then POST /api/poison/{queue}/redrive.",
                    null,
                    cancellationToken);
            }
            else if (depth == 0 && active)
            {
                await alerts.ClearAsync(AlertKind.PoisonMessage, AlertKey(queue), cancellationToken);
            }
        }
    }

    /// <summary>Moves every message of <paramref name="queue"/>'s poison queue back to it as a new
    /// message, so its dequeue count starts again; then the queue's alert clears.</summary>
    public async Task<int> RedriveAsync(string queue, CancellationToken cancellationToken)
    {
        var poison = storage.Queue(PoisonQueues.NameFor(queue));
        if (!await poison.ExistsAsync(cancellationToken))
        {
            return 0;
        }

        var moved = 0;
        while (true)
        {
            var batch = (await poison.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5), cancellationToken)).Value;
            if (batch.Length == 0)
            {
                break;
            }

            foreach (var message in batch)
            {
                // Send first: a crash in between leaves a copy in both, and the handlers are idempotent.
                await queues.SendAsync(queue, message.Body.ToString(), cancellationToken);
                await poison.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                moved++;
            }
        }

        await alerts.ClearAsync(AlertKind.PoisonMessage, AlertKey(queue), cancellationToken);
        return moved;
    }
}

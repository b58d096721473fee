using System.Text.Json;
using FuncSync.Hosting.Functions;
using FuncSync.Json;
using FuncSync.Storage;

namespace FuncSync.Alerts;

/// <summary>Puts an alert on the <c>alerts</c> queue, where the alerts function stores and delivers it.</summary>
public sealed class AlertSender(IQueueSender queues, StorageNames names, TimeProvider time)
{
    public Task RaiseAsync(AlertKind kind, string key, string message, string? sku, CancellationToken cancellationToken)
    {
        var alert = new AlertRaised(kind, key, message, sku, time.GetUtcNow());
        return queues.SendAsync(names.AlertsQueue, JsonSerializer.Serialize(alert, FuncSyncJson.Default.AlertRaised), cancellationToken);
    }
}

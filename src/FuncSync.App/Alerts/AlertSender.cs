using System.Text.Json;
using FuncSync.Hosting.Functions;
using FuncSync.Json;
using FuncSync.Storage;

namespace FuncSync.Alerts;

/// <summary>Puts alerts on the <c>alerts</c> queue, where the alerts function stores and delivers them.</summary>
public sealed class AlertSender(IQueueSender queues, StorageNames names, TimeProvider time)
{
    public Task RaiseAsync(AlertKind kind, string key, string message, string? sku, CancellationToken cancellationToken) =>
        RaiseAsync(kind, key, message, sku, null, cancellationToken);

    /// <param name="advice">Where it happened and the seller's next step; null: the kind's general next step.</param>
    public Task RaiseAsync(AlertKind kind, string key, string message, string? sku, AlertAdvice? advice, CancellationToken cancellationToken) =>
        SendAsync(new AlertNotice(new AlertRaised(kind, key, message, sku, time.GetUtcNow(), advice), null), cancellationToken);

    /// <summary>Says the condition behind an alert key is gone, so an open alert resolves itself.
    /// Safe to send when no alert is open: producers call it whenever they find the condition clear.</summary>
    public Task ClearAsync(AlertKind kind, string key, CancellationToken cancellationToken) =>
        SendAsync(new AlertNotice(null, new AlertCleared(kind, key, time.GetUtcNow())), cancellationToken);

    private Task SendAsync(AlertNotice notice, CancellationToken cancellationToken) =>
        queues.SendAsync(names.AlertsQueue, JsonSerializer.Serialize(notice, FuncSyncJson.Default.AlertNotice), cancellationToken);
}

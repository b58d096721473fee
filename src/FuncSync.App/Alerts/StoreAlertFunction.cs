using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FuncSync.Json;
using FuncSync.Storage;
using FuncSync.Telemetry;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace FuncSync.Alerts;

/// <summary>Queue function on <c>alerts</c>: applies a raised or cleared notice to its alert (once per
/// queue message), writes it to the log a seller or Application Insights watches, and delivers it to
/// the sinks unless the suppression window swallows it.</summary>
public sealed partial class StoreAlertFunction(
    AlertStore store,
    AlertDispatcher dispatcher,
    IOptions<AlertOptions> options,
    TimeProvider time,
    ILogger<StoreAlertFunction> logger)
{
    public const string Name = "StoreAlert";

    /// <param name="id">The queue message id (the host's binding data), stable across redeliveries.</param>
    [Function(Name)]
    public async Task RunAsync([QueueTrigger(StorageNames.Alerts, Connection = StorageNames.Connection)] string message, string? id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var notice = JsonSerializer.Deserialize(message, FuncSyncJson.Default.AlertNotice)
            ?? throw new InvalidDataException("The alert message is empty.");
        var now = time.GetUtcNow();
        var outcome = await store.ApplyAsync(
            notice, NoticeId(id, message), dispatcher.ConfiguredSinks, options.Value.SuppressionWindow, now, now + AlertDispatcher.ClaimDuration, cancellationToken);
        if (outcome.Result != NoticeResult.Applied || outcome.State is not { } state)
        {
            return;
        }

        var alert = state.View;
        if (notice.Raised is not null)
        {
            FuncSyncTelemetry.AlertsRaised.Add(1, new KeyValuePair<string, object?>("kind", alert.Kind.ToString()));
            LogRaised(alert.Kind, alert.Key, alert.Count, alert.Message);
        }
        else
        {
            LogResolved(alert.Kind, alert.Key);
        }

        if (outcome.Delivery is { } delivery)
        {
            await dispatcher.DeliverAsync(delivery, cancellationToken);
        }
    }

    /// <summary>The queue message id is stable across redeliveries; without one the body is, since every notice
    /// carries its own timestamp.</summary>
    private static string NoticeId(string? id, string message) =>
        !string.IsNullOrEmpty(id) ? id : Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(message)))[..32];

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {Kind} {Key} (seen {Count} times): {Message}")]
    private partial void LogRaised(AlertKind kind, string key, int count, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {Kind} {Key} resolved")]
    private partial void LogResolved(AlertKind kind, string key);
}

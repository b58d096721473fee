using FuncSync.Telemetry;
using Microsoft.Extensions.Options;

namespace FuncSync.Alerts;

/// <summary>Delivers what the sinks are owed. Each sink is tried with short retries inside the call
/// (the HTTP pipeline honours Retry-After); a sink still down keeps its delivery row, retried later by
/// the sweeper with a doubling delay, so a long outage loses nothing. A sink that took a delivery is
/// struck off the row and never sent it again.</summary>
public sealed partial class AlertDispatcher(
    AlertStore store,
    IEnumerable<IAlertSink> sinks,
    IOptions<AlertOptions> options,
    TimeProvider time,
    ILogger<AlertDispatcher> logger)
{
    /// <summary>How long a delivery is held by whoever is sending it before the sweeper may take it over.</summary>
    public static readonly TimeSpan ClaimDuration = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromHours(1);

    public IReadOnlyList<string> ConfiguredSinks => sinks.Where(s => s.IsConfigured).Select(s => s.Name).ToList();

    /// <summary>Sends a delivery this caller holds the claim on.</summary>
    public async Task DeliverAsync(PendingDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var stillPending = new List<string>();
        var errors = new List<string>();
        TimeSpan? retryAfter = null;
        foreach (var name in delivery.Pending)
        {
            // A sink removed from the configuration is owed nothing any more.
            if (sinks.FirstOrDefault(s => s.Name == name && s.IsConfigured) is not { } sink)
            {
                continue;
            }

            try
            {
                await sink.SendAsync(delivery, cancellationToken);
                FuncSyncTelemetry.AlertDeliveries.Add(1, new("sink", name), new("outcome", "delivered"));
            }
            catch (AlertSinkException ex)
            {
                FuncSyncTelemetry.AlertDeliveries.Add(1, new("sink", name), new("outcome", "failed"));
                LogDeliveryFailed(delivery.Alert.Kind, delivery.Alert.Id, name, ex.Message);
                stillPending.Add(name);
                errors.Add(ex.Message);
                retryAfter = ex.RetryAfter > retryAfter || retryAfter is null ? ex.RetryAfter : retryAfter;
            }
        }

        if (stillPending.Count == 0)
        {
            await store.CompleteAsync(delivery, cancellationToken);
            return;
        }

        var now = time.GetUtcNow();
        var delay = TimeSpan.FromTicks(Math.Min(MaxRetryDelay.Ticks, options.Value.RetryDelay.Ticks << Math.Min(delivery.Attempts, 16)));
        if (retryAfter > delay)
        {
            delay = retryAfter.Value;
        }

        await store.RescheduleAsync(delivery, stillPending, now, now + delay, string.Join(" ", errors), cancellationToken);
    }

    /// <summary>Claims and sends every delivery that is due: retries, and those a crash left claimed.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var sent = 0;
        foreach (var due in await store.DueDeliveriesAsync(time.GetUtcNow(), cancellationToken))
        {
            if (await store.TryClaimAsync(due, time.GetUtcNow() + ClaimDuration, cancellationToken) is { } claimed)
            {
                await DeliverAsync(claimed, cancellationToken);
                sent++;
            }
        }

        return sent;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {Kind} {AlertId} not delivered to {Sink}: {Error}; it stays owed")]
    private partial void LogDeliveryFailed(AlertKind kind, string alertId, string sink, string error);
}

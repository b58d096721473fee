using FuncSync.Alerts;
using FuncSync.Channels;
using FuncSync.Hosting.Queues;
using FuncSync.Hosting.Storage;
using FuncSync.Json;
using FuncSync.Storage;
using Microsoft.Azure.Functions.Worker;

namespace FuncSync.Monitoring;

/// <summary><c>GET /healthz</c>, anonymous: whether storage answers, queue and poison depths, the last
/// successful poll and push per channel, each channel's daily API budget (Etsy's) and owed alert deliveries. Only counts and
/// times: no URL, key, account name or message content, so a load balancer or uptime monitor may
/// read it. 503 when unhealthy (storage unreachable, or slower than <see cref="Deadline"/>); degraded (still 200) when something waits for a
/// person: poison messages, undelivered alerts, or a channel's daily budget down to its reserve.</summary>
public sealed class HealthFunction(
    PoisonQueueMonitor poison,
    ChannelActivity activity,
    AlertStore alerts,
    IEnumerable<IChannelBudget> budgets,
    StorageNames names,
    StorageClients storage,
    TimeProvider time,
    ILogger<HealthFunction> logger)
{
    public const string Name = "Health";
    public const string Route = "healthz";

    /// <summary>A monitor or load balancer gives up after a few seconds; storage that has not answered by then is
    /// as good as down for the sync, so the answer is "unhealthy" in time rather than a hung request.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(2);

    /// <summary>Anonymous, like a load balancer's probe: it says how the pipeline is, and names no secret.</summary>
    [Function(Name)]
    public Task<IResult> GetAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Route)] HttpRequest request, CancellationToken cancellationToken) =>
        GetAsync(cancellationToken);

    public async Task<IResult> GetAsync(CancellationToken cancellationToken)
    {
        var report = await CheckAsync(cancellationToken);
        return Results.Json(report, FuncSyncJson.Default.HealthReport, statusCode: report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
    }

    public async Task<HealthReport> CheckAsync(CancellationToken cancellationToken)
    {
        var quotas = budgets.Select(b => b.Read()).ToList();
        using var deadline = new CancellationTokenSource(Deadline, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var token = linked.Token;
        var started = time.GetTimestamp();
        try
        {
            await storage.Queues.GetPropertiesAsync(token);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Any failure or silence here means the app cannot reach its storage; one line says which, not a stack trace.
            logger.LogWarning("Health: storage did not answer within {Deadline} ({Reason})", Deadline, ex.GetType().Name);
            return new HealthReport(HealthStatus.Unhealthy, new StorageHealth(false, null), [], [], quotas, null);
        }

        var latency = time.GetElapsedTime(started).TotalMilliseconds;
        IReadOnlyList<QueueHealth> queues = [];
        IReadOnlyList<ChannelHealth> channels;
        int undelivered;
        try
        {
            // Every read at once: one after another, twenty-odd storage round trips on a busy plan outlast the
            // deadline and a healthy app would answer 503.
            var depths = Task.WhenAll(names.Queues.Select(queue => QueueHealthAsync(queue, token)));
            var activities = activity.ListAsync(token);
            var owed = alerts.CountDeliveriesAsync(token);
            queues = await depths;
            channels = await activities;
            undelivered = await owed;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Storage answered the probe, then stalled or failed: reachable, but not fit to sync. Logged whole, since a
            // failure here that is not storage's would be a bug to see, not an outage.
            logger.LogWarning(ex, "Health: storage answered the probe, then failed or stalled while reading depths and activity");
            return new HealthReport(HealthStatus.Unhealthy, new StorageHealth(true, Math.Round(latency, 1)), queues, [], quotas, null);
        }

        var degraded = queues.Any(q => q.Poison > 0) || undelivered > 0 || quotas.Any(q => q.AtReserve);
        return new HealthReport(
            degraded ? HealthStatus.Degraded : HealthStatus.Healthy,
            new StorageHealth(true, Math.Round(latency, 1)),
            queues,
            channels,
            quotas,
            new AlertHealth(undelivered));
    }

    private async Task<QueueHealth> QueueHealthAsync(string queue, CancellationToken cancellationToken)
    {
        var depth = poison.DepthAsync(queue, cancellationToken);
        var poisoned = poison.DepthAsync(PoisonQueues.NameFor(queue), cancellationToken);
        return new QueueHealth(queue, await depth, await poisoned);
    }
}

public static class HealthStatus
{
    public const string Healthy = "healthy";
    public const string Degraded = "degraded";
    public const string Unhealthy = "unhealthy";
}

public sealed record HealthReport(string Status, StorageHealth Storage, IReadOnlyList<QueueHealth> Queues, IReadOnlyList<ChannelHealth> Channels, IReadOnlyList<ChannelBudget> Budgets, AlertHealth? Alerts);

public sealed record StorageHealth(bool Reachable, double? LatencyMs);

/// <param name="Depth">Approximate messages waiting, visible or in flight.</param>
/// <param name="Poison">Messages in the queue's poison queue.</param>
public sealed record QueueHealth(string Name, int Depth, int Poison);

/// <param name="Undelivered">Alert deliveries a sink has not taken yet.</param>
public sealed record AlertHealth(int Undelivered);

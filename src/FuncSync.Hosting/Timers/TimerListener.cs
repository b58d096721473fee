using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using FuncSync.Hosting.Functions;
using FuncSync.Hosting.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FuncSync.Hosting.Timers;

/// <summary>Drives one timer-triggered function like the host's TimerListener: only the holder of a blob
/// lease runs the schedule, a status blob records the last and next occurrence so a missed occurrence is
/// run once as past due, runs never overlap, and a failure never stops the schedule.</summary>
internal sealed class TimerListener : BackgroundService, ILocalTrigger
{
    // Task.Delay accepts at most about 49 days; longer waits are taken in steps.
    private static readonly TimeSpan MaxDelayStep = TimeSpan.FromDays(1);

    private readonly FunctionMetadata _function;
    private readonly TimerSchedule _schedule;
    private readonly TimerFunctionTrigger _trigger;
    private readonly StorageClients _clients;
    private readonly TimerListenerOptions _options;
    private readonly IServiceScopeFactory _scopeFactory;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<TimerListener> _logger;
    private volatile bool _isLeaseHolder;

    public TimerListener(
        FunctionMetadata function,
        TimerSchedule schedule,
        StorageClients clients,
        TimerListenerOptions options,
        IServiceScopeFactory scopeFactory,
        TimeProvider timeProvider,
        ILogger<TimerListener> logger)
    {
        _function = function;
        _trigger = (TimerFunctionTrigger)function.Trigger;
        _schedule = schedule;
        _clients = clients;
        _options = options;
        _scopeFactory = scopeFactory;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public string FunctionName => _function.Name;

    public FunctionMetadata Declared => _function;

    public string Source => _schedule.Expression;

    internal bool IsLeaseHolder => _isLeaseHolder;

    internal string LockBlobName => $"locks/{_options.HostId}/{_function.Name}.Listener";

    internal string StatusBlobName => $"timers/{_options.HostId}/{_function.Name}/status";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var container = _clients.Blobs.GetBlobContainerClient(TimerListenerOptions.ContainerName);
        var lockBlob = container.GetBlobClient(LockBlobName);
        var statusBlob = container.GetBlobClient(StatusBlobName);
        var startup = true;

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var lease = await TryAcquireLeaseAsync(container, lockBlob, stoppingToken);
                if (lease is null)
                {
                    await Task.Delay(_options.LeaseRecoveryInterval, _timeProvider, stoppingToken);
                    continue;
                }

                _isLeaseHolder = true;
                _logger.LogInformation("Timer {FunctionName} acquired its singleton lease on {LockBlob}", _function.Name, LockBlobName);
                using var leaseLost = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                var renewing = RenewLeaseAsync(lease, leaseLost);
                try
                {
                    await RunScheduleAsync(statusBlob, startup, leaseLost.Token, stoppingToken);
                }
                catch (OperationCanceledException) when (leaseLost.IsCancellationRequested)
                {
                    // Lost the lease or stopping; another instance may now hold the schedule.
                }
                finally
                {
                    _isLeaseHolder = false;
                    startup = false;
                    await leaseLost.CancelAsync();
                    await renewing;
                    await ReleaseLeaseAsync(lease);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Normal shutdown.
        }
    }

    private async Task RunScheduleAsync(BlobClient statusBlob, bool startup, CancellationToken leaseToken, CancellationToken stoppingToken)
    {
        var now = _timeProvider.GetUtcNow();
        var status = _trigger.UseMonitor ? await ReadStatusAsync(statusBlob, leaseToken) : null;
        var expectedNext = _schedule.GetNextOccurrence(now);

        if (status is null)
        {
            status = new TimerScheduleStatus(null, expectedNext, now);
            await WriteStatusAsync(statusBlob, status, leaseToken);
        }
        else if (status.Next < now)
        {
            _logger.LogInformation("Timer {FunctionName} is past due: its occurrence at {Next} was missed", _function.Name, status.Next);
            status = await InvokeAsync(statusBlob, status, isPastDue: true, scheduled: false, leaseToken, stoppingToken);
            startup = false;
        }
        else if (status.Next > expectedNext)
        {
            // The schedule changed to fire sooner than the stored status says.
            status = status with { Next = expectedNext };
        }

        // A past-due run already served as the start-up run, as on the host.
        if (startup && _trigger.RunOnStartup)
        {
            status = await InvokeAsync(statusBlob, status, isPastDue: false, scheduled: false, leaseToken, stoppingToken);
        }

        while (true)
        {
            await DelayUntilAsync(status.Next, leaseToken);
            status = await InvokeAsync(statusBlob, status, isPastDue: false, scheduled: false, leaseToken, stoppingToken);
        }
    }

    private async Task<TimerScheduleStatus> InvokeAsync(
        BlobClient statusBlob, TimerScheduleStatus status, bool isPastDue, bool scheduled, CancellationToken leaseToken, CancellationToken stoppingToken)
    {
        var started = _timeProvider.GetUtcNow();
        var info = _trigger.UseMonitor ? new TimerTriggerInfo(isPastDue, status.Last, status.Next) : new TimerTriggerInfo(isPastDue, null, null);
        try
        {
            await using var scope = _scopeFactory.CreateAsyncScope();
            var timer = new TimerInfo
            {
                IsPastDue = info.IsPastDue,
                // As the host's monitor: no status without one; before a first run, Last is DateTime's default.
                ScheduleStatus = info.Next is { } nextRun
                    ? new ScheduleStatus { Last = info.Last?.UtcDateTime ?? default, Next = nextRun.UtcDateTime, LastUpdated = _timeProvider.GetUtcNow().UtcDateTime }
                    : null,
            };

            // The function gets the host's stopping token: losing the lease ends the schedule, not a run in progress.
            await FunctionInvoker.InvokeAsync(_function, scope.ServiceProvider, timer, new Dictionary<string, object?>(), stoppingToken);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // Timers are never retried; the next occurrence is the retry.
            _logger.LogError(ex, "Timer function {FunctionName} failed", _function.Name);
        }
        catch (Exception ex)
        {
            // The stop cancelled the run, or pulled storage from under it: expected, one line, and the stop goes on.
            _logger.LogInformation("Timer function {FunctionName} was interrupted by shutdown ({Reason})", _function.Name, ex.GetType().Name);
            throw new OperationCanceledException("Stopping.", ex, stoppingToken);
        }

        // A scheduled run that fires slightly early (timer granularity) must not fire the same occurrence
        // twice, so it counts from its occurrence; any run that overran an occurrence skips it rather than
        // firing back to back. Past-due and start-up runs count from now.
        var invocationTime = scheduled && status.Next > started ? status.Next : started;
        var now = _timeProvider.GetUtcNow();
        var next = _schedule.GetNextOccurrence(scheduled && status.Next > now ? status.Next : now);
        var updated = new TimerScheduleStatus(invocationTime, next, now);
        await WriteStatusAsync(statusBlob, updated, leaseToken);
        return updated;
    }

    private async Task DelayUntilAsync(DateTimeOffset target, CancellationToken cancellationToken)
    {
        while (true)
        {
            var remaining = target - _timeProvider.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return;
            }

            await Task.Delay(remaining < MaxDelayStep ? remaining : MaxDelayStep, _timeProvider, cancellationToken);
        }
    }

    private async Task<BlobLeaseClient?> TryAcquireLeaseAsync(BlobContainerClient container, BlobClient lockBlob, CancellationToken cancellationToken)
    {
        try
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            if (!await lockBlob.ExistsAsync(cancellationToken))
            {
                try
                {
                    await lockBlob.UploadAsync(BinaryData.Empty, overwrite: false, cancellationToken);
                }
                catch (RequestFailedException ex) when (ex.Status == 409)
                {
                    // Another instance created it first.
                }
            }

            var lease = lockBlob.GetBlobLeaseClient();
            await lease.AcquireAsync(_options.LeasePeriod, cancellationToken: cancellationToken);
            return lease;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            _logger.LogDebug("Timer {FunctionName} lease is held by another instance; retrying in {RecoveryInterval}", _function.Name, _options.LeaseRecoveryInterval);
            return null;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.LogError(ex, "Timer {FunctionName} could not acquire its lease; retrying in {RecoveryInterval}", _function.Name, _options.LeaseRecoveryInterval);
            return null;
        }
    }

    private async Task RenewLeaseAsync(BlobLeaseClient lease, CancellationTokenSource leaseLost)
    {
        try
        {
            while (true)
            {
                await Task.Delay(_options.LeaseRenewInterval, _timeProvider, leaseLost.Token);
                await lease.RenewAsync(cancellationToken: leaseLost.Token);
            }
        }
        catch (OperationCanceledException) when (leaseLost.IsCancellationRequested)
        {
            // The schedule ended first.
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Timer {FunctionName} lost its singleton lease; stopping its schedule on this instance", _function.Name);
            await leaseLost.CancelAsync();
        }
    }

    private async Task ReleaseLeaseAsync(BlobLeaseClient lease)
    {
        try
        {
            // Given back so another instance takes the schedule at once; bounded, since storage may be what is gone.
            using var grace = new CancellationTokenSource(GracefulShutdown.StorageGrace, _timeProvider);
            await lease.ReleaseAsync(cancellationToken: grace.Token);
        }
        catch (Exception ex) when (ex is RequestFailedException or OperationCanceledException or HttpRequestException or AggregateException)
        {
            // The lease expires by itself within the lease period.
            _logger.LogDebug(ex, "Timer {FunctionName} could not release its lease", _function.Name);
        }
    }

    private async Task<TimerScheduleStatus?> ReadStatusAsync(BlobClient statusBlob, CancellationToken cancellationToken)
    {
        try
        {
            var content = await statusBlob.DownloadContentAsync(cancellationToken);
            return JsonSerializer.Deserialize<TimerScheduleStatus>(content.Value.Content);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
        catch (JsonException ex)
        {
            _logger.LogWarning(ex, "Timer {FunctionName} has an unreadable status blob; starting afresh", _function.Name);
            return null;
        }
    }

    private async Task WriteStatusAsync(BlobClient statusBlob, TimerScheduleStatus status, CancellationToken cancellationToken)
    {
        if (!_trigger.UseMonitor)
        {
            return;
        }

        try
        {
            await statusBlob.UploadAsync(BinaryData.FromObjectAsJson(status), overwrite: true, cancellationToken);
        }
        catch (RequestFailedException ex)
        {
            // A lost status write only weakens past-due detection; it must not stop the schedule.
            _logger.LogWarning(ex, "Timer {FunctionName} could not write its status blob", _function.Name);
        }
    }
}

using Microsoft.Azure.Functions.Worker;

namespace FuncSync.Ledger;

/// <summary>Timer: re-sends pushes whose outbox rows outlived the commit by more than a few seconds,
/// which only happens when a process died between committing an event and enqueuing its pushes.</summary>
public sealed class OutboxSweeperFunction(LedgerStore ledger, OutboxDispatcher dispatcher, IConfiguration configuration, TimeProvider time, ILogger<OutboxSweeperFunction> logger)
{
    public const string Name = "OutboxSweeper";
    public const string ScheduleSetting = "FuncSync:OutboxSweepSchedule";
    public const string DefaultSchedule = "0 * * * * *";
    public const string MinimumAgeSetting = "FuncSync:OutboxMinimumAge";

    // A row younger than this belongs to an apply that is still running its pushes (each bounded by the channel's
    // attempt timeout and a short wait for another push of its listing).
    private TimeSpan MinimumAge => TimeSpan.TryParse(configuration[MinimumAgeSetting], System.Globalization.CultureInfo.InvariantCulture, out var age) ? age : TimeSpan.FromSeconds(30);

    [Function(Name)]
    public async Task RunAsync([TimerTrigger("%" + ScheduleSetting + "%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var stale = await ledger.ListOutboxAsync(time.GetUtcNow() - MinimumAge, cancellationToken);
        if (stale.Count > 0)
        {
            logger.LogWarning("Re-sending {Count} pushes left in the outbox", stale.Count);
            await dispatcher.QueueAsync(stale, cancellationToken);
        }
    }
}

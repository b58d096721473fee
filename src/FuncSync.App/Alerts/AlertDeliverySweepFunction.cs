using Microsoft.Azure.Functions.Worker;

namespace FuncSync.Alerts;

/// <summary>Timer: sends the deliveries a sink outage or a crash left owed, and drops week-old dedupe rows.</summary>
public sealed partial class AlertDeliverySweepFunction(AlertDispatcher dispatcher, AlertStore store, TimeProvider time, ILogger<AlertDeliverySweepFunction> logger)
{
    public const string Name = "AlertDeliverySweep";
    public const string ScheduleSetting = "Alerts:DeliverySweepSchedule";

    [Function(Name)]
    public async Task RunAsync([TimerTrigger("%" + ScheduleSetting + "%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var sent = await dispatcher.SweepAsync(cancellationToken);
        var purged = await store.PurgeNoticesAsync(time.GetUtcNow() - TimeSpan.FromDays(7), cancellationToken);
        if (sent + purged > 0)
        {
            LogSwept(sent, purged);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert sweep: {Sent} owed deliveries tried, {Purged} old dedupe rows dropped")]
    private partial void LogSwept(int sent, int purged);
}

using Microsoft.Azure.Functions.Worker;

namespace FuncSync.Monitoring;

/// <summary>Timer: raises PoisonMessage for a poison queue that holds messages and clears it once empty.
/// Under the Functions host this is how poison becomes an alert, since the host moves messages itself.</summary>
public sealed class PoisonWatchFunction(PoisonQueueMonitor monitor)
{
    public const string Name = "PoisonWatch";
    public const string ScheduleSetting = "Monitoring:PoisonWatchSchedule";
    public const string DefaultSchedule = "0 * * * * *";

    [Function(Name)]
    public Task RunAsync([TimerTrigger("%" + ScheduleSetting + "%")] TimerInfo timer, CancellationToken cancellationToken) => monitor.CheckAsync(cancellationToken);
}

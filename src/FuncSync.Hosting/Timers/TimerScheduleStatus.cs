namespace FuncSync.Hosting.Timers;

/// <summary>The schedule monitor's record, stored as JSON like the host's <c>ScheduleStatus</c>.</summary>
internal sealed record TimerScheduleStatus(DateTimeOffset? Last, DateTimeOffset Next, DateTimeOffset LastUpdated);

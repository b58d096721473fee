using NCrontab;

namespace FuncSync.Hosting.Timers;

/// <summary>A six-field NCRONTAB schedule (<c>{second} {minute} {hour} {day} {month} {day-of-week}</c>), in UTC.</summary>
internal sealed class TimerSchedule
{
    private static readonly CrontabSchedule.ParseOptions SixFields = new() { IncludingSeconds = true };
    private readonly CrontabSchedule _schedule;

    private TimerSchedule(string expression, CrontabSchedule schedule)
    {
        Expression = expression;
        _schedule = schedule;
    }

    public string Expression { get; }

    public static TimerSchedule Parse(string expression)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(expression);
        var schedule = CrontabSchedule.TryParse(expression, SixFields)
            ?? throw new FormatException($"'{expression}' is not a six-field NCRONTAB expression ({{second}} {{minute}} {{hour}} {{day}} {{month}} {{day-of-week}}).");
        return new TimerSchedule(expression, schedule);
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/>.</summary>
    public DateTimeOffset GetNextOccurrence(DateTimeOffset after)
    {
        var next = _schedule.GetNextOccurrence(after.UtcDateTime);
        return new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc));
    }
}

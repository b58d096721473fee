using System.Globalization;

namespace FuncSync.Domain.Text;

/// <summary>Durations as a person reads them ("850 ms", "17.3 s", "1 min 14 s", "2 h 5 min", "3 d 4 h"), for
/// logs and alert texts: <c>00:00:17.3389524</c> or "74283 ms" make the reader do the arithmetic.</summary>
public static class HumanDuration
{
    public static string Format(TimeSpan duration)
    {
        var sign = duration < TimeSpan.Zero ? "-" : string.Empty;
        var d = duration.Duration();
        var text = d switch
        {
            _ when d < TimeSpan.FromSeconds(1) => string.Create(CultureInfo.InvariantCulture, $"{d.TotalMilliseconds:0} ms"),
            _ when d < TimeSpan.FromMinutes(1) => string.Create(CultureInfo.InvariantCulture, $"{d.TotalSeconds:0.#} s"),
            _ when d < TimeSpan.FromHours(1) => Pair(d.Minutes, "min", d.Seconds, "s"),
            _ when d < TimeSpan.FromDays(1) => Pair(d.Hours, "h", d.Minutes, "min"),
            _ => Pair((int)d.TotalDays, "d", d.Hours, "h"),
        };
        return sign + text;
    }

    private static string Pair(int major, string majorUnit, int minor, string minorUnit) =>
        minor == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{major} {majorUnit}")
            : string.Create(CultureInfo.InvariantCulture, $"{major} {majorUnit} {minor} {minorUnit}");
}

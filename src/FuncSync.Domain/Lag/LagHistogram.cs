using System.Globalization;
using System.Text;

namespace FuncSync.Domain.Lag;

/// <summary>A bounded, mergeable summary of lag samples: counts in logarithmic bins 5 % wide from 1 ms to about a
/// day (longer lags share the last bin), so a percentile over any number of samples costs the same and is off by at
/// most half a bin (2.5 %). Histograms of several time buckets or instances merge by adding counts.</summary>
public sealed class LagHistogram
{
    public const int BinCount = 380;

    private const double Growth = 1.05;

    private readonly long[] _counts = new long[BinCount];

    public long Count { get; private set; }

    public double MaxMilliseconds { get; private set; }

    public void Add(TimeSpan lag)
    {
        var ms = Math.Max(0, lag.TotalMilliseconds);
        _counts[Bin(ms)]++;
        Count++;
        MaxMilliseconds = Math.Max(MaxMilliseconds, ms);
    }

    public void Merge(LagHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (var i = 0; i < BinCount; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
        MaxMilliseconds = Math.Max(MaxMilliseconds, other.MaxMilliseconds);
    }

    /// <summary>The lag at or below which <paramref name="percent"/> % of the samples lie (the bin's midpoint,
    /// never above the largest sample); null without samples.</summary>
    public double? PercentileMilliseconds(double percent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(percent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        if (Count == 0)
        {
            return null;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(percent / 100 * Count));
        long seen = 0;
        for (var i = 0; i < BinCount; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                // The last bin is open-ended: its honest figure is the largest sample.
                return i == BinCount - 1 ? MaxMilliseconds : Math.Min(MaxMilliseconds, Midpoint(i));
            }
        }

        return MaxMilliseconds;
    }

    /// <summary>"bin:count;..." of the non-empty bins, then "max:ms": small enough for one table property.</summary>
    public string Serialize()
    {
        var text = new StringBuilder();
        for (var i = 0; i < BinCount; i++)
        {
            if (_counts[i] > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"{i}:{_counts[i]};");
            }
        }

        return text.Append(CultureInfo.InvariantCulture, $"max:{MaxMilliseconds:R}").ToString();
    }

    public static LagHistogram Parse(string? text)
    {
        var histogram = new LagHistogram();
        foreach (var part in (text ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new FormatException($"'{part}' is not bin:count.");
            }

            var key = part[..colon];
            var value = part[(colon + 1)..];
            if (key == "max")
            {
                histogram.MaxMilliseconds = double.Parse(value, CultureInfo.InvariantCulture);
                continue;
            }

            var bin = int.Parse(key, CultureInfo.InvariantCulture);
            var count = long.Parse(value, CultureInfo.InvariantCulture);
            if (bin is < 0 or >= BinCount || count < 0)
            {
                throw new FormatException($"'{part}' is out of range.");
            }

            histogram._counts[bin] += count;
            histogram.Count += count;
        }

        return histogram;
    }

    private static int Bin(double ms) => ms < 1 ? 0 : Math.Min(BinCount - 1, 1 + (int)Math.Floor(Math.Log(ms) / Math.Log(Growth)));

    // Bin 0 holds [0, 1) ms; bin i > 0 holds [1.05^(i-1), 1.05^i) ms.
    private static double Midpoint(int bin) => bin == 0 ? 0.5 : (Math.Pow(Growth, bin - 1) + Math.Pow(Growth, bin)) / 2;
}

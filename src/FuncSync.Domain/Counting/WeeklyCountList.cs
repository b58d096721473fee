using System.Globalization;

namespace FuncSync.Domain.Counting;

/// <summary>One SKU as the weekly count list weighs it.</summary>
/// <param name="UnitsPerDay">Its recent sales rate.</param>
/// <param name="StockValue">What its shelf is worth (on hand × unit cost; on hand alone where no cost is known).</param>
public sealed record CountCandidate(string Sku, double UnitsPerDay, double StockValue);

/// <summary>The "count this week" list: over any 13 consecutive weeks (a quarter) every SKU comes up at least once, the
/// fast sellers and valuable items more often, and the same week always gives the same list. SKUs are ranked by their
/// share of the shop's sales plus their share of its stock value: the top fifth is counted 4 times a quarter (about
/// monthly), the next three tenths twice, the rest once. Each SKU's weeks are spread evenly over the quarter from a
/// phase taken from a stable hash of its name, so a SKU keeps its weeks while the catalogue around it changes and
/// the weekly load spreads over the quarter.</summary>
public static class WeeklyCountList
{
    public const int WeeksPerRound = 13;

    /// <summary>A Monday long ago from which weeks are numbered, so the rotation runs on across years (an ISO year
    /// has 52 or 53 weeks, not a multiple of 13).</summary>
    private static readonly DateTime Epoch = new(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>How often a SKU of that rank is counted in 13 weeks.</summary>
    public static int TimesPerQuarter(int rank, int catalogueSize) =>
        rank < Math.Ceiling(catalogueSize * 0.2) ? 4
        : rank < Math.Ceiling(catalogueSize * 0.5) ? 2
        : 1;

    /// <summary>The SKUs to count in <paramref name="week"/> ("2026-W49"), in catalogue rank order (most weight first).</summary>
    public static IReadOnlyList<string> For(string week, IReadOnlyList<CountCandidate> catalogue)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        var index = WeekIndex(week);
        var sales = catalogue.Sum(c => Math.Max(0, c.UnitsPerDay));
        var value = catalogue.Sum(c => Math.Max(0, c.StockValue));
        var ranked = catalogue
            .OrderByDescending(c => Share(c.UnitsPerDay, sales) + Share(c.StockValue, value))
            .ThenBy(c => c.Sku, StringComparer.Ordinal)
            .ToList();
        var list = new List<string>();
        for (var rank = 0; rank < ranked.Count; rank++)
        {
            var times = TimesPerQuarter(rank, ranked.Count);
            var position = (int)((index + Phase(ranked[rank].Sku)) % WeeksPerRound);

            // For times coprime with 13 (1, 2 and 4 are), exactly `times` of the 13 positions pass, evenly apart.
            if (position * times % WeeksPerRound < times)
            {
                list.Add(ranked[rank].Sku);
            }
        }

        return list;
    }

    /// <summary>"2026-W49" for the ISO week holding <paramref name="date"/>.</summary>
    public static string WeekOf(DateTimeOffset date)
    {
        var day = date.UtcDateTime;
        return string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(day)}-W{ISOWeek.GetWeekOfYear(day):00}");
    }

    /// <summary>Whether <paramref name="week"/> reads as an ISO week ("2026-W49").</summary>
    public static bool TryParse(string? week, out int year, out int number)
    {
        year = 0;
        number = 0;
        return week is { Length: 8 } && week[4] == '-' && week[5] is 'W' or 'w'
            && int.TryParse(week.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out year)
            && int.TryParse(week.AsSpan(6, 2), NumberStyles.None, CultureInfo.InvariantCulture, out number)
            && year is >= 2001 and <= 9998 && number >= 1 && number <= ISOWeek.GetWeeksInYear(year);
    }

    private static long WeekIndex(string week)
    {
        if (!TryParse(week, out var year, out var number))
        {
            throw new ArgumentException($"{week} is not an ISO week such as 2026-W49.", nameof(week));
        }

        return (long)(ISOWeek.ToDateTime(year, number, DayOfWeek.Monday) - Epoch).TotalDays / 7;
    }

    private static double Share(double part, double total) => total <= 0 ? 0 : Math.Max(0, part) / total;

    /// <summary>FNV-1a over the SKU's characters: stable across processes and versions, unlike string.GetHashCode.</summary>
    private static long Phase(string sku)
    {
        var hash = 2166136261u;
        foreach (var c in sku)
        {
            hash = unchecked((hash ^ c) * 16777619u);
        }

        return hash % WeeksPerRound;
    }
}

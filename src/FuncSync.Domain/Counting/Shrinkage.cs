namespace FuncSync.Domain.Counting;

/// <summary>One shelf count as the shrinkage report reads it.</summary>
/// <param name="Reason">The reason the seller gave on review; null when not reviewed (or not needed).</param>
/// <param name="UnitCost">The SKU's unit cost when the count was made; null when unknown.</param>
public sealed record CountedSku(string Sku, DateTimeOffset At, int Expected, int Counted, string? Reason, decimal? UnitCost);

/// <summary>A month of counts: what the ledger expected on the counted shelves against what was there.</summary>
/// <param name="Month">yyyy-MM (UTC).</param>
/// <param name="Shrinkage">Expected − counted over the month's counts, leaving out those reviewed as miscounted:
/// units gone missing, less units found.</param>
/// <param name="Value">The shrinkage in money; null when no counted SKU has a unit cost.</param>
/// <param name="Uncosted">Counts with a difference whose SKU has no unit cost, left out of <see cref="Value"/>.</param>
/// <param name="ByReason">Shrinkage units per reason, "unreviewed" for differences nobody explained yet.</param>
public sealed record ShrinkageMonth(string Month, int Counts, long Expected, long Counted, long Shrinkage, double? Percent, decimal? Value, int Uncosted, IReadOnlyDictionary<string, long> ByReason);

public static class ShrinkageReport
{
    public const string Unreviewed = "unreviewed";

    /// <summary>Per calendar month (UTC), newest first.</summary>
    public static IReadOnlyList<ShrinkageMonth> Monthly(IEnumerable<CountedSku> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        return [.. counts
            .GroupBy(c => c.At.UtcDateTime.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture))
            .OrderByDescending(g => g.Key, StringComparer.Ordinal)
            .Select(Month)];
    }

    private static ShrinkageMonth Month(IGrouping<string, CountedSku> month)
    {
        // A count reviewed as miscounted was the seller's mistake, not the shelf's: it is corrected by the next count.
        var real = month.Where(c => c.Reason is null || CountReasons.IsShrinkage(c.Reason)).ToList();
        var expected = month.Sum(c => (long)c.Expected);
        var shrinkage = real.Sum(c => (long)c.Expected - c.Counted);
        var costed = real.Where(c => c.Expected != c.Counted && c.UnitCost is not null).ToList();
        var byReason = real.Where(c => c.Expected != c.Counted)
            .GroupBy(c => c.Reason ?? Unreviewed, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(c => (long)c.Expected - c.Counted), StringComparer.Ordinal);
        return new ShrinkageMonth(
            month.Key,
            month.Count(),
            expected,
            month.Sum(c => (long)c.Counted),
            shrinkage,
            expected == 0 ? null : (double)shrinkage / expected,
            costed.Count == 0 ? null : costed.Sum(c => (c.Expected - c.Counted) * c.UnitCost!.Value),
            real.Count(c => c.Expected != c.Counted && c.UnitCost is null),
            byReason);
    }
}

namespace FuncSync.Domain.Forecasting;

/// <summary>How long a SKU's stock lasts at its current sales velocity, and when to reorder.</summary>
/// <param name="DaysOfCover">Null when nothing sells: the stock lasts indefinitely.</param>
/// <param name="ReorderBy">The last day to order so new stock arrives before the shelf is empty
/// (today or earlier means now); null when nothing sells.</param>
/// <param name="IsLow">At or below the SKU's threshold, or covering less than the lead time.</param>
public sealed record StockForecast(int Available, double VelocityPerDay, double? DaysOfCover, int LeadTimeDays, DateOnly? ReorderBy, bool IsLow)
{
    // Below about one unit in 3 years a SKU does not sell; its cover is not a number worth showing.
    private const double Negligible = 0.001;

    public static StockForecast For(int available, double velocityPerDay, int leadTimeDays, int? lowStock, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(leadTimeDays);
        double? cover = velocityPerDay >= Negligible ? Math.Max(0, available) / velocityPerDay : null;
        DateOnly? reorderBy = cover is { } days
            ? DateOnly.FromDateTime(now.UtcDateTime.AddDays(Math.Max(-36_500, days - leadTimeDays)))
            : null;
        var isLow = (lowStock is { } threshold && available <= threshold) || (cover is { } c && c < leadTimeDays);
        return new StockForecast(available, velocityPerDay, cover, leadTimeDays, reorderBy, isLow);
    }
}

namespace FuncSync.Domain.Forecasting;

/// <summary>When a low stock is worth a seller's attention. Only a SKU the seller restocks (a lead time or a
/// threshold of its own was set) can run low: a one-off piece selling out is the goal, not a problem. Below
/// its threshold it is low at once; by cover (days left at the sales rate against the lead time) only once
/// the SKU has sold for long enough that its rate means something, since one sale on the first day is not
/// "three a day".</summary>
public static class LowStockRule
{
    /// <param name="leadTimeDays">The SKU's own lead time; null when the seller left it empty.</param>
    /// <param name="lowStock">The SKU's own threshold; null when the seller left it empty.</param>
    /// <param name="sellingSince">The first sale the ledger has seen.</param>
    public static LowStockVerdict Judge(StockForecast forecast, int? leadTimeDays, int? lowStock, DateTimeOffset? sellingSince, TimeSpan minimumHistory, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(forecast);
        if (leadTimeDays is null && lowStock is null)
        {
            return LowStockVerdict.NotRestocked;
        }

        if (lowStock is { } threshold && forecast.Available <= threshold)
        {
            return LowStockVerdict.BelowThreshold;
        }

        var enoughHistory = sellingSince is { } since && now - since >= minimumHistory;
        return leadTimeDays is not null && enoughHistory && forecast.DaysOfCover is { } cover && cover < forecast.LeadTimeDays
            ? LowStockVerdict.ShortCover
            : LowStockVerdict.Fine;
    }

    /// <summary>The reorder date, or null when it is today or already past: the seller should reorder now.</summary>
    public static DateOnly? ReorderDate(StockForecast forecast, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(forecast);
        return forecast.ReorderBy is { } by && by > DateOnly.FromDateTime(now.UtcDateTime) ? by : null;
    }
}

public enum LowStockVerdict
{
    /// <summary>A one-off or made-to-order piece: nothing to reorder.</summary>
    NotRestocked,
    Fine,
    BelowThreshold,
    ShortCover,
}

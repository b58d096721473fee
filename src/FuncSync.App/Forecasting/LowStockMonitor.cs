using System.Globalization;
using FuncSync.Alerts;
using FuncSync.Catalog;
using FuncSync.Domain.Forecasting;
using FuncSync.Ledger;
using Microsoft.Extensions.Options;

namespace FuncSync.Forecasting;

/// <summary>After the ledger moves stock: a fall that leaves a restocked SKU at or below its own threshold, or
/// (after enough sales history) with less cover than its lead time, raises LowStock (repeats are counted by the
/// alert, not re-sent); a rise that ends it clears the alert. One-off and made-to-order pieces never raise it
/// (<see cref="LowStockRule"/>). Works from the committed change alone, so it adds no read for a plain SKU;
/// a bundle's parts are looked up for their own settings.</summary>
public sealed class LowStockMonitor(SkuMapStore map, AlertSender alerts, IOptions<ForecastingOptions> options, TimeProvider time)
{
    public static string AlertKey(string sku) => $"lowstock:{sku}";

    public async Task CheckAsync(SkuMapping sold, IReadOnlyList<AppliedChange> changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sold);
        ArgumentNullException.ThrowIfNull(changes);
        foreach (var change in changes.Where(c => c.Change.Delta != 0))
        {
            var mapping = string.Equals(change.Sku, sold.Sku, StringComparison.Ordinal) ? sold : await map.GetAsync(change.Sku, cancellationToken);
            if (mapping is { IsUnlimited: true })
            {
                // Made when ordered: never "low".
                continue;
            }

            var forecast = For(mapping, change.Change.After.Available, change.Sales);
            var verdict = Judge(mapping, forecast, change.Sales);
            var low = verdict is LowStockVerdict.BelowThreshold or LowStockVerdict.ShortCover;
            if (change.Change.Delta < 0 && low)
            {
                await alerts.RaiseAsync(AlertKind.LowStock, AlertKey(change.Sku), Describe(mapping, change.Sku, forecast, verdict), change.Sku, new AlertAdvice(null, NextStep(forecast)), cancellationToken);
            }
            else if (change.Change.Delta > 0 && !low && WasLow(mapping, change))
            {
                // Only a rise out of low stock can end an alert: a rise elsewhere (a one-off's restock, an import of a
                // thousand SKUs) would put a "cleared" notice on the alerts queue for nothing.
                await alerts.ClearAsync(AlertKind.LowStock, AlertKey(change.Sku), cancellationToken);
            }
        }
    }

    public StockForecast For(SkuMapping? mapping, int available, DecayedSales sales)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        return StockForecast.For(available, sales.PerDay(now, settings.Decay), mapping?.LeadTimeDays ?? settings.LeadTimeDays, mapping?.LowStock ?? settings.LowStock, now);
    }

    private bool WasLow(SkuMapping? mapping, AppliedChange change)
    {
        var before = For(mapping, change.Change.Before.Available, change.Sales);
        return Judge(mapping, before, change.Sales) is LowStockVerdict.BelowThreshold or LowStockVerdict.ShortCover;
    }

    /// <summary>The shop-wide threshold applies only to SKUs the seller restocks (a lead time set).</summary>
    private LowStockVerdict Judge(SkuMapping? mapping, StockForecast forecast, DecayedSales sales)
    {
        var settings = options.Value;
        var lowStock = mapping?.LowStock ?? (mapping?.LeadTimeDays is not null ? settings.LowStock : null);
        return LowStockRule.Judge(forecast, mapping?.LeadTimeDays, lowStock, sales.Since, TimeSpan.FromDays(settings.MinimumHistoryDays), time.GetUtcNow());
    }

    private string Describe(SkuMapping? mapping, string sku, StockForecast forecast, LowStockVerdict verdict)
    {
        var name = mapping is { Title.Length: > 0 } ? $"{mapping.Title} ({sku})" : sku;
        return verdict == LowStockVerdict.ShortCover && forecast.DaysOfCover is { } cover
            ? string.Create(CultureInfo.InvariantCulture, $"{name} has {forecast.Available} left: about {cover:0.#} days at {forecast.VelocityPerDay:0.#} a day, and restocking takes {forecast.LeadTimeDays} days.")
            : string.Create(CultureInfo.InvariantCulture, $"{name} has {forecast.Available} left, at or below its low-stock line of {mapping?.LowStock ?? options.Value.LowStock}.");
    }

    private string NextStep(StockForecast forecast) =>
        LowStockRule.ReorderDate(forecast, time.GetUtcNow()) is { } by
            ? string.Create(CultureInfo.InvariantCulture, $"Reorder by {by:d MMMM yyyy} so new stock arrives before the shelf is empty; record the delivery when it comes.")
            : "Reorder now: at this rate the shelf is empty before new stock can arrive. Record the delivery when it comes.";
}

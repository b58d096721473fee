using System.Globalization;
using FuncSync.Alerts;
using FuncSync.Catalog;
using FuncSync.Domain.Forecasting;
using FuncSync.Ledger;
using Microsoft.Extensions.Options;

namespace FuncSync.Forecasting;

/// <summary>After the ledger moves stock: a fall that leaves a SKU at or below its threshold, or with
/// less cover than its lead time, raises LowStock (repeats are counted by the alert, not re-sent); a
/// rise that ends it clears the alert. Works from the committed change alone, so it adds no read for a
/// plain SKU; a bundle's parts are looked up for their own thresholds.</summary>
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
            var forecast = For(mapping, change.Change.After.Available, change.Sales);
            if (change.Change.Delta < 0 && forecast.IsLow)
            {
                await alerts.RaiseAsync(AlertKind.LowStock, AlertKey(change.Sku), Describe(change.Sku, forecast), change.Sku, cancellationToken);
            }
            else if (change.Change.Delta > 0 && !forecast.IsLow)
            {
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

    private static string Describe(string sku, StockForecast forecast) =>
        forecast.DaysOfCover is { } cover
            ? string.Create(CultureInfo.InvariantCulture, $"{sku} has {forecast.Available} left, about {cover:0.#} days at {forecast.VelocityPerDay:0.##} a day; restocking takes {forecast.LeadTimeDays} days, so reorder by {forecast.ReorderBy:yyyy-MM-dd}.")
            : string.Create(CultureInfo.InvariantCulture, $"{sku} has {forecast.Available} left, at or below its low-stock threshold.");
}

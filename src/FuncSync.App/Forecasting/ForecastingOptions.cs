using System.ComponentModel.DataAnnotations;

namespace FuncSync.Forecasting;

/// <summary>The <c>Forecasting</c> settings: defaults for SKUs whose map row leaves the columns empty.</summary>
public sealed class ForecastingOptions
{
    public const string Section = "Forecasting";

    /// <summary>A sale this many days old counts half as much in the velocity.</summary>
    [Range(0.1, 3650)]
    public double HalfLifeDays { get; set; } = 14;

    /// <summary>Days from ordering stock to having it, unless the SKU map's <c>lead_time_days</c> says otherwise.</summary>
    [Range(0, 3650)]
    public int LeadTimeDays { get; set; } = 14;

    /// <summary>Low-stock threshold for SKUs with a lead time unless the SKU map's <c>low_stock</c> says otherwise;
    /// null: only cover counts. One-off pieces (neither column set) never raise LowStock.</summary>
    [Range(0, int.MaxValue)]
    public int? LowStock { get; set; }

    /// <summary>Days a SKU must have sold before its sales rate can raise a low-stock alert by cover.</summary>
    [Range(0, 3650)]
    public int MinimumHistoryDays { get; set; } = 14;

    public Domain.Forecasting.SalesDecay Decay => new(TimeSpan.FromDays(HalfLifeDays));
}

using FuncSync.Catalog;
using FuncSync.Json;
using FuncSync.Ledger;
using Microsoft.Azure.Functions.Worker;

namespace FuncSync.Forecasting;

/// <summary><c>GET /api/skus/{sku}/forecast</c>: available, velocity, days of cover, lead time and the
/// reorder-by date. The dashboard builds against this shape.</summary>
public sealed class ForecastFunction(SkuMapStore map, LedgerStore ledger, LowStockMonitor forecasts)
{
    public const string Name = "SkuForecast";
    public const string Route = "skus/{sku}/forecast";

    [Function(Name)]
    public Task<IResult> GetAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = Route)] HttpRequest request, string sku, CancellationToken cancellationToken) =>
        GetAsync(sku, cancellationToken);

    public async Task<IResult> GetAsync(string sku, CancellationToken cancellationToken)
    {
        var mapping = await map.GetAsync(sku, cancellationToken);
        if (mapping is null)
        {
            return Problem(StatusCodes.Status404NotFound, $"No SKU {sku} is in the SKU map.");
        }

        if (mapping.IsComposed)
        {
            return Problem(StatusCodes.Status400BadRequest, $"{sku} is made of components and sells from their stock: forecast {string.Join(", ", mapping.Parts.Select(p => p.Sku))}.");
        }

        var row = await ledger.GetStockAsync(sku, cancellationToken);
        var forecast = forecasts.For(mapping, row.Level.Available, row.Sales);
        var view = new SkuForecast(
            sku,
            forecast.Available,
            Math.Round(forecast.VelocityPerDay, 3),
            forecast.DaysOfCover is { } cover ? Math.Round(cover, 1) : null,
            forecast.LeadTimeDays,
            forecast.ReorderBy);
        return Results.Json(view, FuncSyncJson.Default.SkuForecast);
    }

    private static IResult Problem(int status, string error) => Results.Json(new ProblemBody(error), FuncSyncJson.Default.ProblemBody, statusCode: status);
}

/// <param name="DaysOfCover">Null when nothing sells.</param>
/// <param name="ReorderBy">The last day to order (yyyy-MM-dd); null when nothing sells.</param>
public sealed record SkuForecast(string Sku, int Available, double VelocityPerDay, double? DaysOfCover, int LeadTimeDays, DateOnly? ReorderBy);

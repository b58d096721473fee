using FuncSync.Hosting;
using FuncSync.Hosting.Functions;
using FuncSync.Skus;

namespace FuncSync.Forecasting;

/// <summary>Sales velocity, the per-SKU forecast and low-stock alerts.</summary>
public static class ForecastingServices
{
    public static IServiceCollection AddForecasting(this IServiceCollection services, FunctionsBuilder functions)
    {
        ArgumentNullException.ThrowIfNull(functions);
        services.AddOptions<ForecastingOptions>().BindConfiguration(ForecastingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ISalesVelocity, LedgerSalesVelocity>();
        services.AddSingleton<LowStockMonitor>();
        services.AddSingleton<ForecastFunction>();
        functions.AddHttpFunction(ForecastFunction.Name, ForecastFunction.Route, ["get"], FunctionAuthLevel.Function);
        return services;
    }

    public static WebApplication MapForecasting(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGroup("/api").AddEndpointFilter<AdminKeyFilter>()
            .MapGet(ForecastFunction.Route, (string sku, ForecastFunction function, CancellationToken ct) => function.GetAsync(sku, ct));
        return app;
    }
}

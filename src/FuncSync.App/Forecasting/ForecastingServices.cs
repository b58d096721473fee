namespace FuncSync.Forecasting;

/// <summary>Sales velocity, the per-SKU forecast and low-stock alerts.</summary>
public static class ForecastingServices
{
    public static IServiceCollection AddForecasting(this IServiceCollection services)
    {
        services.AddOptions<ForecastingOptions>().BindConfiguration(ForecastingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ISalesVelocity, LedgerSalesVelocity>();
        services.AddSingleton<LowStockMonitor>();
        services.AddSingleton<ForecastFunction>();
        return services;
    }
}

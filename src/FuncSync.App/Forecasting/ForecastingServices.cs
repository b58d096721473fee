namespace FuncSync.Forecasting;

/// <summary>The per-SKU forecast and low-stock alerts (from the decayed sales on the stock row; the allocation
/// policy's velocity is <see cref="Allocation.ISalesVelocity"/>).</summary>
public static class ForecastingServices
{
    public static IServiceCollection AddForecasting(this IServiceCollection services)
    {
        services.AddOptions<ForecastingOptions>().BindConfiguration(ForecastingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<LowStockMonitor>();
        services.AddSingleton<ForecastFunction>();
        return services;
    }
}

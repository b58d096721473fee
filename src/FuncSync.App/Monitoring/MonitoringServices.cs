using FuncSync.Hosting;
using FuncSync.Hosting.Functions;
using FuncSync.Hosting.Queues;
using FuncSync.Hosting.Storage;
using FuncSync.Skus;
using FuncSync.Storage;

namespace FuncSync.Monitoring;

/// <summary>Health, channel activity, poison alerts and re-drive.</summary>
public static class MonitoringServices
{
    public static IServiceCollection AddMonitoring(this IServiceCollection services, FunctionsBuilder functions, IConfiguration configuration, StorageNames names)
    {
        ArgumentNullException.ThrowIfNull(functions);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(names);
        services.AddSingleton(sp => new ChannelActivity(sp.GetRequiredService<StorageClients>().Table(names.MonitoringTable), sp.GetRequiredService<ShopPartition>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<PoisonQueueMonitor>();
        services.AddSingleton<IPoisonMessageObserver>(sp => sp.GetRequiredService<PoisonQueueMonitor>());
        services.AddSingleton<HealthFunction>();
        services.AddSingleton<PoisonRedriveFunction>();
        functions
            .AddHttpFunction(HealthFunction.Name, HealthFunction.Route, ["get"], FunctionAuthLevel.Anonymous)
            .AddHttpFunction(PoisonRedriveFunction.Name, PoisonRedriveFunction.Route, ["post"], FunctionAuthLevel.Function)
            .AddTimerFunction<PoisonWatchFunction>(PoisonWatchFunction.Name, configuration[PoisonWatchFunction.ScheduleSetting] ?? PoisonWatchFunction.DefaultSchedule);
        return services;
    }

    public static WebApplication MapMonitoring(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // Under the Functions host HTTP functions live below /api; elsewhere /healthz answers too.
        app.MapGet("/" + HealthFunction.Route, (HealthFunction health, CancellationToken ct) => health.GetAsync(ct));
        app.MapGet("/api/" + HealthFunction.Route, (HealthFunction health, CancellationToken ct) => health.GetAsync(ct));
        app.MapGroup("/api").AddEndpointFilter<AdminKeyFilter>()
            .MapPost(PoisonRedriveFunction.Route, (string queue, PoisonRedriveFunction function, CancellationToken ct) => function.RedriveAsync(queue, ct));
        return app;
    }
}

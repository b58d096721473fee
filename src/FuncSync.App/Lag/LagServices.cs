using FuncSync.Hosting;
using FuncSync.Hosting.Functions;
using FuncSync.Hosting.Storage;
using FuncSync.Json;
using FuncSync.Ledger;
using FuncSync.Push;
using FuncSync.Skus;
using FuncSync.Storage;
using FuncSync.Timeline;

namespace FuncSync.Lag;

/// <summary>Timer <c>LagCheck</c> (every minute): writes the lag histograms and checks each channel's objective.</summary>
public sealed class LagCheckFunction(LagMeasurements measurements) : ITimerFunction
{
    public const string Name = "LagCheck";

    public Task RunAsync(TimerTriggerInfo timer, CancellationToken cancellationToken) => measurements.CheckObjectivesAsync(cancellationToken);
}

/// <summary>Measured lag and the SKU timeline: their stores, the connector wrapper that records every push, the check
/// timer and the endpoints.</summary>
public static class LagServices
{
    public const string LagName = "GetLag";
    public const string LagRoute = "lag";

    public static FunctionsBuilder AddLagAndTimeline(this FunctionsBuilder functions, IConfiguration configuration, StorageNames names)
    {
        var services = functions.Services;
        services.AddOptions<LagOptions>().BindConfiguration(LagOptions.Section)
            .Validate(o => o.Objectives.Values.All(t => t > TimeSpan.Zero), "Lag: every objective is a positive time span, e.g. Lag__Objectives__Shopify=00:00:05.").ValidateOnStart();
        services.AddSingleton(sp => new TimelineStore(sp.GetRequiredService<StorageClients>().Table(names.TimelineTable), sp.GetRequiredService<ShopPartition>()));
        services.AddSingleton(sp => new LagRecorder(sp.GetRequiredService<StorageClients>().Table(names.LagTable), sp.GetRequiredService<ShopPartition>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<PushFailures>();
        services.AddSingleton<LagMeasurements>();
        services.AddSingleton<ILagMeasurements>(sp => sp.GetRequiredService<LagMeasurements>());
        services.AddTransient<SkuTimelineFunction>();
        ObserveConnectors(services);
        return functions
            .AddTimerFunction<LagCheckFunction>(LagCheckFunction.Name, configuration[LagOptions.CheckScheduleSetting] ?? new LagOptions().CheckSchedule)
            .AddHttpFunction(LagName, LagRoute, ["get"], FunctionAuthLevel.Function)
            .AddHttpFunction(SkuTimelineFunction.Name, SkuTimelineFunction.Route, ["get"], FunctionAuthLevel.Function);
    }

    public static WebApplication MapLagAndTimeline(this WebApplication app)
    {
        var admin = app.MapGroup("/api").AddEndpointFilter<AdminKeyFilter>();
        admin.MapGet(LagRoute, async (LagMeasurements lag, CancellationToken ct) => Results.Json(await lag.ReportAsync(ct), FuncSyncJson.Default.LagReport));
        admin.MapGet(SkuTimelineFunction.Route, (string sku, int? limit, SkuTimelineFunction function, CancellationToken ct) => function.GetAsync(sku, limit, ct));
        return app;
    }

    /// <summary>Every connector registered so far is wrapped, so the push's own code stays as it is.</summary>
    private static void ObserveConnectors(IServiceCollection services)
    {
        foreach (var descriptor in services.Where(d => d.ServiceType == typeof(IChannelInventory)).ToList())
        {
            services.Remove(descriptor);
            services.AddTransient<IChannelInventory>(sp => new ObservedChannelInventory(
                Create(descriptor, sp),
                sp.GetRequiredService<PushStore>(),
                sp.GetRequiredService<LedgerStore>(),
                sp.GetRequiredService<TimelineStore>(),
                sp.GetRequiredService<LagRecorder>(),
                sp.GetRequiredService<PushFailures>(),
                sp.GetRequiredService<TimeProvider>()));
        }
    }

    private static IChannelInventory Create(ServiceDescriptor descriptor, IServiceProvider sp) => (IChannelInventory)(
        descriptor.ImplementationFactory?.Invoke(sp)
        ?? descriptor.ImplementationInstance
        ?? ActivatorUtilities.CreateInstance(sp, descriptor.ImplementationType!));
}

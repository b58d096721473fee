using FuncSync.Channels;
using FuncSync.Hosting.Storage;
using FuncSync.Json;
using FuncSync.Ledger;
using FuncSync.Push;
using FuncSync.Storage;
using FuncSync.Timeline;
using Microsoft.Azure.Functions.Worker;

namespace FuncSync.Lag;

/// <summary>Timer <c>LagCheck</c> (every minute): writes the lag histograms and checks each channel's objective.</summary>
public sealed class LagCheckFunction(LagMeasurements measurements)
{
    public const string Name = "LagCheck";

    [Function(Name)]
    public Task RunAsync([TimerTrigger("%" + LagOptions.CheckScheduleSetting + "%")] TimerInfo timer, CancellationToken cancellationToken) => measurements.CheckObjectivesAsync(cancellationToken);
}

/// <summary><c>GET /api/lag</c>: measured lag per channel against its objective.</summary>
public sealed class GetLagFunction(LagMeasurements measurements)
{
    public const string Name = "GetLag";
    public const string Route = "lag";

    [Function(Name)]
    public async Task<IResult> GetAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = Route)] HttpRequest request, CancellationToken cancellationToken) =>
        Results.Json(await measurements.ReportAsync(cancellationToken), FuncSyncJson.Default.LagReport);
}

/// <summary>Measured lag and the SKU timeline: their stores and the connector wrapper that records every push.</summary>
public static class LagServices
{
    public static IServiceCollection AddLagAndTimeline(this IServiceCollection services, StorageNames names)
    {
        services.AddOptions<LagOptions>().BindConfiguration(LagOptions.Section)
            .Validate(o => o.Objectives.Values.All(t => t > TimeSpan.Zero), "Lag: every objective is a positive time span, e.g. Lag__Objectives__Shopify=00:00:05.").ValidateOnStart();
        services.AddSingleton(sp => new TimelineStore(sp.GetRequiredService<StorageClients>().Table(names.TimelineTable), sp.GetRequiredService<ShopPartition>()));
        services.AddSingleton(sp => new LagRecorder(sp.GetRequiredService<StorageClients>().Table(names.LagTable), sp.GetRequiredService<ShopPartition>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<PushFailures>();
        services.AddSingleton<LagMeasurements>();
        services.AddSingleton<ILagMeasurements>(sp => sp.GetRequiredService<LagMeasurements>());
        services.AddTransient<SkuTimelineFunction>();

        // Every enabled channel's connector is wrapped when it is resolved, whichever was registered first, so the
        // push's own code stays as it is.
        services.AddSingleton<IChannelInventoryDecorator, LagObserver>();
        return services;
    }

    private sealed class LagObserver(IServiceProvider services) : IChannelInventoryDecorator
    {
        public IChannelInventory Decorate(IChannelInventory inner) => new ObservedChannelInventory(
            inner,
            services.GetRequiredService<PushStore>(),
            services.GetRequiredService<LedgerStore>(),
            services.GetRequiredService<TimelineStore>(),
            services.GetRequiredService<LagRecorder>(),
            services.GetRequiredService<PushFailures>(),
            services.GetRequiredService<TimeProvider>());
    }
}

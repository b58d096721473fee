using FuncSync.Hosting.Queues;
using FuncSync.Hosting.Storage;
using FuncSync.Storage;

namespace FuncSync.Monitoring;

/// <summary>Health, channel activity, poison alerts and re-drive.</summary>
public static class MonitoringServices
{
    public static IServiceCollection AddMonitoring(this IServiceCollection services, StorageNames names)
    {
        ArgumentNullException.ThrowIfNull(names);
        services.AddSingleton(sp => new ChannelActivity(sp.GetRequiredService<StorageClients>().Table(names.MonitoringTable), sp.GetRequiredService<ShopPartition>(), sp.GetRequiredService<Channels.ChannelRegistry>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<PoisonQueueMonitor>();
        services.AddSingleton<IPoisonMessageObserver>(sp => sp.GetRequiredService<PoisonQueueMonitor>());
        services.AddSingleton<HealthFunction>();
        services.AddSingleton<PoisonRedriveFunction>();
        return services;
    }
}

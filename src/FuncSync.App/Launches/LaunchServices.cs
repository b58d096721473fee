using FuncSync.Allocation;
using FuncSync.Hosting.Storage;
using FuncSync.Push;
using FuncSync.Storage;

namespace FuncSync.Launches;

/// <summary>Scheduled launches, the threshold in force that honours them, and the re-checks that
/// carry a threshold's change in time to the channels.</summary>
public static class LaunchServices
{
    public static IServiceCollection AddLaunches(this IServiceCollection services, StorageNames names)
    {
        ArgumentNullException.ThrowIfNull(names);
        services.AddSingleton(sp => new LaunchStore(sp.GetRequiredService<StorageClients>().Table(names.LaunchesTable), sp.GetRequiredService<ShopPartition>()));
        services.AddSingleton<ThresholdInForce>();
        services.AddSingleton<PushRechecks>();
        services.AddSingleton<LaunchFunctions>();
        return services;
    }
}

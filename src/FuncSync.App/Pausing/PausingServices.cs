using FuncSync.Hosting.Storage;
using FuncSync.Storage;

namespace FuncSync.Pausing;

/// <summary>Pausing SKUs on chosen channels: the store, the rules in force that honour pauses, and the API.</summary>
public static class PausingServices
{
    public static IServiceCollection AddPausing(this IServiceCollection services, StorageNames names)
    {
        ArgumentNullException.ThrowIfNull(names);
        services.AddSingleton(sp => new PauseStore(sp.GetRequiredService<StorageClients>().Table(names.PausesTable), sp.GetRequiredService<ShopPartition>()));
        services.AddSingleton<RulesInForce>();
        services.AddSingleton<PauseFunctions>();
        return services;
    }
}

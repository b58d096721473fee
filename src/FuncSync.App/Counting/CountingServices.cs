using FuncSync.Hosting.Storage;
using FuncSync.Storage;

namespace FuncSync.Counting;

/// <summary>Cycle counts and shrinkage: the store, the recorder the count path calls, and the API.</summary>
public static class CountingServices
{
    public static IServiceCollection AddCounting(this IServiceCollection services, StorageNames names)
    {
        ArgumentNullException.ThrowIfNull(names);
        services.AddSingleton(sp => new CountStore(sp.GetRequiredService<StorageClients>().Table(names.CountsTable), sp.GetRequiredService<ShopPartition>()));
        services.AddSingleton<CountRecorder>();
        services.AddSingleton<CountFunctions>();
        return services;
    }
}

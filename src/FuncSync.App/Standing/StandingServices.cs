using FuncSync.Hosting.Storage;
using FuncSync.Storage;

namespace FuncSync.Standing;

/// <summary>Per-channel cancellation and oversell rates against each channel's line.</summary>
public static class StandingServices
{
    public static IServiceCollection AddStanding(this IServiceCollection services, StorageNames names)
    {
        ArgumentNullException.ThrowIfNull(names);
        services.AddOptions<StandingOptions>().BindConfiguration(StandingOptions.Section)
            .Validate(o => o.IsValid(), "Standing: every cancellation threshold must be a fraction between 0 and 1.")
            .ValidateOnStart();
        services.AddSingleton(sp => new ChannelStandingStore(
            sp.GetRequiredService<StorageClients>().Table(names.StandingTable),
            sp.GetRequiredService<ShopPartition>(),
            sp.GetRequiredService<Ledger.LedgerStore>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<StandingOptions>>()));
        services.AddSingleton<ChannelStanding>();
        services.AddSingleton<StandingFunction>();
        return services;
    }
}

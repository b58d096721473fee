using FuncSync.Domain;
using FuncSync.Hosting.Storage;
using FuncSync.Storage;

namespace FuncSync.Channels.State;

public static class ChannelStateServices
{
    /// <summary>A <see cref="ChannelState"/> per channel, keyed by the channel, all over the one <c>ChannelState</c> table.</summary>
    public static IServiceCollection AddChannelState(this IServiceCollection services, IEnumerable<Channel> channels)
    {
        foreach (var channel in channels)
        {
            services.AddKeyedSingleton(channel, (sp, _) => new ChannelState(
                channel,
                sp.GetRequiredService<StorageClients>().Table(sp.GetRequiredService<StorageNames>().ChannelStateTable),
                sp.GetRequiredService<ShopPartition>()));
        }

        return services;
    }
}

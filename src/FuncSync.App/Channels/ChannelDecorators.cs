using FuncSync.Push;

namespace FuncSync.Channels;

/// <summary>Wraps every enabled channel's connector when it is resolved (lag measurement does), whatever the order
/// in which channels and decorators were registered.</summary>
public interface IChannelInventoryDecorator
{
    IChannelInventory Decorate(IChannelInventory inner);
}

internal static class ChannelDecorators
{
    public static IChannelInventory Decorate(IServiceProvider services, IChannelInventory inner) =>
        services.GetServices<IChannelInventoryDecorator>().Aggregate(inner, (connector, decorator) => decorator.Decorate(connector));
}

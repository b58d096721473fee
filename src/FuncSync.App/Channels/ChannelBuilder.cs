using FuncSync.Domain;
using FuncSync.Mapping;
using FuncSync.Push;
using FuncSync.Reconciliation;
using Microsoft.Extensions.Options;

namespace FuncSync.Channels;

/// <summary>What a module registers itself with. Every capability is registered keyed by its channel; an enabled
/// channel's capabilities are also what the shared features enumerate (push, reconciliation, mapping audit,
/// connections), so a disabled channel is never written, read or shown. A disabled channel's services stay
/// resolvable, so its functions can still be activated and answer that the channel is off.</summary>
public sealed class ChannelBuilder(IServiceCollection services, IChannelModule module, IConfiguration configuration, bool enabled)
{
    public IServiceCollection Services { get; } = services;

    public Channel Channel => module.Channel;

    public bool Enabled { get; } = enabled;

    public IConfigurationSection Settings => configuration.GetSection(module.Section);

    /// <summary>Binds <typeparamref name="TOptions"/> to the channel's section; validates it at start-up only when the
    /// channel is on, so a seller does not configure a channel they do not sell on.</summary>
    public OptionsBuilder<TOptions> Options<TOptions>()
        where TOptions : class
    {
        var options = Services.AddOptions<TOptions>().BindConfiguration(module.Section);
        if (Enabled)
        {
            options.ValidateDataAnnotations().ValidateOnStart();
        }

        return options;
    }

    /// <summary>Quantity writes and the read before them (the push).</summary>
    public ChannelBuilder Inventory<T>()
        where T : class, IChannelInventory =>
        Add<IChannelInventory, T>(static (sp, inner) => ChannelDecorators.Decorate(sp, inner));

    /// <summary>Bulk reads for reconciliation.</summary>
    public ChannelBuilder QuantityReader<T>()
        where T : class, IChannelQuantityReader => Add<IChannelQuantityReader, T>();

    /// <summary>Catalog reads for the mapping audit.</summary>
    public ChannelBuilder CatalogReader<T>()
        where T : class, IChannelCatalogReader => Add<IChannelCatalogReader, T>();

    /// <summary>Intake progress of a polled channel, for reconciliation.</summary>
    public ChannelBuilder Poll<T>()
        where T : class, IChannelPoll => Add<IChannelPoll, T>();

    /// <summary>A daily request quota, for the health check.</summary>
    public ChannelBuilder Budget<T>()
        where T : class, IChannelBudget => Add<IChannelBudget, T>();

    /// <summary>A daily request quota kept by a shared mechanism registered keyed by channel (the poll pacer).</summary>
    public ChannelBuilder Budget(Func<IServiceProvider, IChannelBudget> budget) => Add(budget);

    /// <summary>Webhook intake at <c>/api/webhooks/{channel}</c>: verified at the door, handled behind the inbox queue.
    /// The module registers <typeparamref name="T"/> itself, as for every capability.</summary>
    public ChannelBuilder Webhook<T>()
        where T : class, Webhooks.IChannelWebhook => Add<Webhooks.IChannelWebhook, T>();

    /// <summary>Connection status for the dashboard.</summary>
    public ChannelBuilder Connection<T>()
        where T : class, IChannelConnection => Add<IChannelConnection, T>();

    private ChannelBuilder Add<TCapability, T>(Func<IServiceProvider, TCapability, TCapability>? decorate = null)
        where TCapability : class
        where T : class, TCapability =>
        Add<TCapability>(sp => sp.GetRequiredService<T>(), decorate);

    private ChannelBuilder Add<TCapability>(Func<IServiceProvider, TCapability> create, Func<IServiceProvider, TCapability, TCapability>? decorate = null)
        where TCapability : class
    {
        Services.AddKeyedTransient<TCapability>(Channel, (sp, _) => create(sp));
        if (Enabled)
        {
            var channel = Channel;
            Services.AddTransient(sp =>
            {
                var inner = sp.GetRequiredKeyedService<TCapability>(channel);
                return decorate is null ? inner : decorate(sp, inner);
            });
        }

        return this;
    }
}

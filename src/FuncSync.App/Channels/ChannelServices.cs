using FuncSync.Channels.Auth;
using FuncSync.Channels.State;

namespace FuncSync.Channels;

/// <summary>Registers every channel module, turning on those the seller configured.</summary>
public static class ChannelServices
{
    /// <summary><c>&lt;Section&gt;__Enabled</c> when set; otherwise whether the channel's connection setting is set.</summary>
    public static bool IsEnabled(IChannelModule module, IConfiguration configuration)
    {
        var settings = configuration.GetSection(module.Section);
        return settings["Enabled"] is { Length: > 0 } enabled
            ? bool.TryParse(enabled, out var on) ? on : throw new InvalidOperationException($"{module.Section}__Enabled = '{enabled}': use true or false.")
            : !string.IsNullOrWhiteSpace(settings[module.ConnectionSetting]);
    }

    public static IServiceCollection AddChannels(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<Webhooks.WebhookInbox>();
        services.AddChannelAuth();
        services.AddChannelState(ChannelModules.All.Select(m => m.Channel));
        var enabled = new List<ChannelDescription>();
        foreach (var module in ChannelModules.All)
        {
            var on = IsEnabled(module, configuration);
            module.AddServices(new ChannelBuilder(services, module, configuration, on));
            if (on)
            {
                enabled.Add(new ChannelDescription(module.Channel, module.Capabilities, module.Listing, module.LagObjective(configuration.GetSection(module.Section))));
            }
        }

        services.AddSingleton(new ChannelRegistry(enabled));
        return services;
    }
}

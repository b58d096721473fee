using FuncSync.Domain;

namespace FuncSync.Channels;

/// <summary>A channel FuncSync can serve: one folder that describes the channel and registers its implementations of
/// the capability interfaces. It is listed once, in <see cref="ChannelModules.All"/>; it is configured, polled and
/// shown only when the seller turns it on.</summary>
public interface IChannelModule
{
    Channel Channel { get; }

    ChannelCapabilities Capabilities { get; }

    ListingSchema Listing { get; }

    /// <summary>The configuration section of the channel's settings (<c>Shopify__...</c>).</summary>
    string Section { get; }

    /// <summary>The setting within <see cref="Section"/> whose presence turns the channel on (its API address), unless
    /// <c>&lt;Section&gt;__Enabled</c> says otherwise.</summary>
    string ConnectionSetting { get; }

    /// <summary>Defaults of the <c>%Setting%</c> references the channel's functions name (their schedules).</summary>
    IReadOnlyDictionary<string, string?> SettingDefaults => new Dictionary<string, string?>();

    /// <summary>The lag objective when the seller sets none; a polled channel's depends on its poll interval.</summary>
    TimeSpan LagObjective(IConfigurationSection settings) => Capabilities.DefaultLagObjective;

    void AddServices(ChannelBuilder channel);
}

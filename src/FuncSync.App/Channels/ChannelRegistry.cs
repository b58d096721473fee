using FuncSync.Domain;

namespace FuncSync.Channels;

/// <summary>The channels this seller turned on, with what each can do and how its listings are identified.</summary>
public sealed class ChannelRegistry(IReadOnlyList<ChannelDescription> enabled)
{
    public IReadOnlyList<ChannelDescription> Enabled { get; } = enabled;

    public IEnumerable<Channel> Channels => Enabled.Select(c => c.Channel);

    public bool IsEnabled(Channel channel) => Enabled.Any(c => c.Channel == channel);
}

/// <param name="LagObjective">The default objective under this seller's settings.</param>
public sealed record ChannelDescription(Channel Channel, ChannelCapabilities Capabilities, ListingSchema Listing, TimeSpan LagObjective);

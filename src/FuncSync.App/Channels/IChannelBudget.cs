using FuncSync.Domain;

namespace FuncSync.Channels;

/// <summary>A channel with a daily request quota says how much is left, for the health check: down to the part kept
/// for pushes, the check reports degraded.</summary>
public interface IChannelBudget
{
    ChannelBudget Read();
}

/// <summary>A channel's quota as this instance last saw it in the channel's headers; null figures until a request was made.</summary>
public sealed record ChannelBudget(Channel Channel, int? LimitPerDay, int? RemainingToday, int ReservedForPushes, int? LimitPerSecond, DateTimeOffset? SeenAt)
{
    public bool AtReserve => RemainingToday is { } left && left <= ReservedForPushes;
}

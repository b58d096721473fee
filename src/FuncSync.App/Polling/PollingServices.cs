using FuncSync.Channels;
using FuncSync.Channels.State;

namespace FuncSync.Polling;

public static class PollingServices
{
    /// <summary>Paces the channel's poll under its daily quota: a <see cref="PollPacer"/> and its
    /// <see cref="SharedPollPacerState"/>, keyed by the channel, and the pacer as the channel's budget for the health check.</summary>
    /// <param name="scope">What the pacer paces within the channel (Etsy: its shop id).</param>
    public static ChannelBuilder PollPacing(this ChannelBuilder channel, Func<IServiceProvider, PollPacing> pacing, Func<IServiceProvider, string> scope)
    {
        var key = channel.Channel;
        channel.Services.AddKeyedSingleton(key, (sp, _) => new PollPacer(key, () => pacing(sp), sp.GetRequiredService<TimeProvider>()));
        channel.Services.AddKeyedSingleton(key, (sp, _) => new SharedPollPacerState(sp.GetRequiredKeyedService<ChannelState>(key), () => scope(sp)));
        return channel.Budget(sp => sp.GetRequiredKeyedService<PollPacer>(key));
    }
}

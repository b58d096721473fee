using System.Text.Json.Serialization;
using FuncSync.Channels.State;

namespace FuncSync.Polling;

/// <summary>A channel's poll pacer state in one row of the channel state table, so whichever instance runs the next
/// poll (the timer's lease can move) or answers the health check knows when the channel was last asked and how much of
/// the day's budget is left. Registered keyed by channel.</summary>
/// <param name="scope">What the pacer paces within the channel (Etsy: the shop id), so a reconfigured channel starts afresh.</param>
public sealed class SharedPollPacerState(ChannelState state, Func<string> scope)
{
    /// <summary>The pacer's rows, one per scope.</summary>
    public static readonly StateKind<PollPacerState> Kind = new("poll-pacer", PollingJson.Default.PollPacerState);

    public async Task<PollPacerState?> LoadAsync(CancellationToken cancellationToken) =>
        (await state.GetAsync(Kind, scope(), cancellationToken))?.Value;

    /// <summary>Last writer wins: only the poll writes, and the poll's timer runs on one instance at a time.</summary>
    public Task SaveAsync(PollPacerState pacer, CancellationToken cancellationToken) =>
        state.UpsertAsync(Kind, scope(), pacer, cancellationToken);

    /// <summary>Adopts the shared state into <paramref name="pacer"/>.</summary>
    public async Task RefreshAsync(PollPacer pacer, CancellationToken cancellationToken) =>
        pacer.Merge(await LoadAsync(cancellationToken));
}

[JsonSourceGenerationOptions(RespectNullableAnnotations = true)]
[JsonSerializable(typeof(PollPacerState))]
[JsonSerializable(typeof(PollHealth))]
internal sealed partial class PollingJson : JsonSerializerContext;

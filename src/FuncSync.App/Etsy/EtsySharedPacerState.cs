using System.Globalization;
using FuncSync.Channels.State;
using FuncSync.Domain;
using Microsoft.Extensions.Options;

namespace FuncSync.Etsy;

/// <summary>The poll pacer's state in one row, so whichever instance runs the next poll (the timer's lease can move)
/// or answers the health endpoint knows when Etsy was last asked and how much of the day's budget is left.</summary>
public sealed class EtsySharedPacerState([FromKeyedServices(Channel.Etsy)] ChannelState state, IOptions<EtsyOptions> options)
{
    private string Key => options.Value.ShopId.ToString(CultureInfo.InvariantCulture);

    public async Task<EtsyPacerState?> LoadAsync(CancellationToken cancellationToken) =>
        (await state.GetAsync(EtsyState.PollPacer, Key, cancellationToken))?.Value;

    /// <summary>Last writer wins: only the poll writes, and the poll's timer runs on one instance at a time.</summary>
    public Task SaveAsync(EtsyPacerState pacer, CancellationToken cancellationToken) =>
        state.UpsertAsync(EtsyState.PollPacer, Key, pacer, cancellationToken);

    /// <summary>Adopts the shared state into <paramref name="pacer"/>.</summary>
    public async Task RefreshAsync(EtsyPollPacer pacer, CancellationToken cancellationToken) =>
        pacer.Merge(await LoadAsync(cancellationToken));
}

using FuncSync.Allocation;
using FuncSync.Catalog;
using FuncSync.Domain;
using FuncSync.Domain.Allocation;
using FuncSync.Domain.Pausing;
using Microsoft.Extensions.Options;

namespace FuncSync.Pausing;

/// <summary>The allocation rules for a SKU's channels now: the seller's buffers and priorities, with the channels
/// it is paused on showing 0. The push and the reconciler's expected shares both come through here, so a pause
/// is part of the allocation decision, not a side path that writes 0 around it.</summary>
public sealed class RulesInForce(IOptions<AllocationOptions> options, PauseStore store, TimeProvider time)
{
    /// <summary>How long the list of pauses is reused: a burst of pushes costs one read of it. A pause or resume
    /// is pushed this much later, so every instance has seen it by then.</summary>
    public static readonly TimeSpan ListFreshFor = TimeSpan.FromSeconds(5);

    private Listed? _listed;

    public async ValueTask<IReadOnlyList<ChannelRule<Channel>>> ForAsync(SkuMapping mapping, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        var pauses = await PausesAsync(cancellationToken);
        return options.Value.RulesFor(mapping.Channels, pauses.Count == 0 ? null : ChannelPause.PausedChannels(pauses, mapping.Sku, mapping.Tags));
    }

    /// <summary>Drops the reused list: the next push reads the pauses again.</summary>
    public void Forget() => _listed = null;

    private async ValueTask<IReadOnlyList<ChannelPause>> PausesAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_listed is { } listed && now - listed.At < ListFreshFor && now >= listed.At)
        {
            return listed.Pauses;
        }

        var pauses = await store.ListAsync(cancellationToken);
        _listed = new Listed(now, pauses);
        return pauses;
    }

    private sealed record Listed(DateTimeOffset At, IReadOnlyList<ChannelPause> Pauses);
}

using FuncSync.Catalog;
using FuncSync.Domain;
using FuncSync.Domain.Allocation;
using FuncSync.Ledger;
using FuncSync.Pausing;

namespace FuncSync.Allocation;

/// <summary>A SKU's allocation now: its channels' rules (buffers, priorities, pauses, largest quantities) and the
/// threshold in force. The push decides from it and reconciliation expects from it, so the two never disagree on a
/// channel's share.</summary>
public sealed record SkuAllocation(IReadOnlyList<ChannelRule<Channel>> Rules, AllocationThreshold Threshold)
{
    /// <summary>What each channel shows of <paramref name="available"/> once every push has landed. (The push's target
    /// can sit below the share for a moment in the protected zone, while another channel's decrease is in flight.)</summary>
    public IReadOnlyDictionary<Channel, int> Shares(int available)
    {
        var shares = ChannelAllocation.Allocate(available, Rules, Threshold.Value);
        var byChannel = new Dictionary<Channel, int>(Rules.Count);
        for (var i = 0; i < Rules.Count; i++)
        {
            byChannel[Rules[i].Channel] = shares[i];
        }

        return byChannel;
    }
}

/// <summary>Reads a SKU's <see cref="SkuAllocation"/>: the one way the push and reconciliation learn the rules.</summary>
public sealed class AllocationInForce(RulesInForce rules, ThresholdInForce thresholds)
{
    /// <param name="stock">The SKU's stock as the caller read or committed it, or null (<see cref="ISalesVelocity"/>).</param>
    public async ValueTask<SkuAllocation> ForAsync(SkuMapping mapping, SkuAvailability? stock, CancellationToken cancellationToken) =>
        new(await rules.ForAsync(mapping, cancellationToken), await thresholds.ForAsync(mapping, stock, cancellationToken));
}

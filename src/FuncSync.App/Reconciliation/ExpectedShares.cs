using FuncSync.Allocation;
using FuncSync.Catalog;
using FuncSync.Channels;
using FuncSync.Domain;
using FuncSync.Domain.Allocation;
using FuncSync.Pausing;

namespace FuncSync.Reconciliation;

/// <summary>What each channel should show for a SKU once every push has landed: the allocation policy's share, from
/// the same rules, threshold and domain computation the push uses. (The push's target can sit below the share for a
/// moment in the protected zone, while another channel's decrease is in flight; a settled channel shows its share.)</summary>
public sealed class ExpectedShares(RulesInForce rules, ThresholdInForce thresholds)
{
    public async Task<IReadOnlyDictionary<Channel, int>> ForAsync(SkuMapping mapping, int available, CancellationToken cancellationToken)
    {
        var channelRules = await rules.ForAsync(mapping, cancellationToken);
        var threshold = (await thresholds.ForAsync(mapping, cancellationToken)).Value;
        var shares = ChannelAllocation.Allocate(available, channelRules, threshold);
        var byChannel = new Dictionary<Channel, int>();
        for (var i = 0; i < channelRules.Count; i++)
        {
            // A channel with a cap (Etsy's 999 per offering) is written at most that.
            byChannel[channelRules[i].Channel] = Math.Min(shares[i], ChannelModules.Of(channelRules[i].Channel).Capabilities.MaxQuantity);
        }

        return byChannel;
    }
}

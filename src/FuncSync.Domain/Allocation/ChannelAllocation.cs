namespace FuncSync.Domain.Allocation;

/// <summary>What each channel is shown for a master quantity A.
/// Shared zone (A above the threshold): every channel shows A minus its buffer.
/// Protected zone (A at or below it): the A units are partitioned, so the sum of what all channels
/// show never exceeds A and no lag, however long, can sell one unit twice.</summary>
public static class ChannelAllocation
{
    /// <summary>Channels cannot list a negative quantity; an oversold SKU shows zero everywhere.</summary>
    public static int QuantityToShow(int available) => Math.Max(0, available);

    /// <summary>The quantity each channel should show, in the order of <paramref name="channels"/>.</summary>
    /// <param name="threshold">The threshold in force (<see cref="AllocationPolicy.EffectiveThreshold"/>).</param>
    public static int[] Allocate<TChannel>(int available, IReadOnlyList<ChannelRule<TChannel>> channels, int threshold)
        where TChannel : notnull
    {
        ArgumentNullException.ThrowIfNull(channels);
        var caps = channels.Select(c => c.Paused ? 0 : c.Buffer.Shared(available)).ToArray();
        if (!IsProtected(available, threshold))
        {
            return caps;
        }

        // Unit by unit in priority order, so with fewer units than channels the first channels show
        // one each, and with more every channel still shows some: a listing kept visible sells.
        var order = Enumerable.Range(0, channels.Count).OrderBy(i => channels[i].Priority).ThenBy(i => i).ToArray();
        var shown = new int[channels.Count];
        var remaining = Math.Max(0, available);
        var gaveAny = true;
        while (remaining > 0 && gaveAny)
        {
            gaveAny = false;
            foreach (var i in order)
            {
                if (remaining > 0 && shown[i] < caps[i])
                {
                    shown[i]++;
                    remaining--;
                    gaveAny = true;
                }
            }
        }

        return shown;
    }

    /// <summary>Whether <paramref name="available"/> units lie in the protected zone.</summary>
    public static bool IsProtected(int available, int threshold) => available <= threshold;

    /// <summary>What one channel should be set to now, given what the others were last seen showing.
    /// In the protected zone a channel's share may rise only into units no other channel still shows:
    /// while another channel's decrease has not landed, the rise waits, so the sum shown stays at most
    /// A even while pushes are in flight. Outside the zone this is the channel's shared quantity.</summary>
    /// <param name="lastShown">What a channel was last seen or made to show; null when unknown, which
    /// counts as already showing its share.</param>
    public static int TargetFor<TChannel>(TChannel channel, int available, IReadOnlyList<ChannelRule<TChannel>> channels, int threshold, Func<TChannel, int?> lastShown)
        where TChannel : notnull
    {
        ArgumentNullException.ThrowIfNull(channels);
        ArgumentNullException.ThrowIfNull(lastShown);
        var shares = Allocate(available, channels, threshold);
        var comparer = EqualityComparer<TChannel>.Default;
        var index = IndexOf(channels, channel, comparer);
        if (!IsProtected(available, threshold))
        {
            return shares[index];
        }

        var heldElsewhere = 0L;
        for (var i = 0; i < channels.Count; i++)
        {
            if (i != index)
            {
                heldElsewhere += Math.Max(Math.Max(0, lastShown(channels[i].Channel) ?? shares[i]), shares[i]);
            }
        }

        return (int)Math.Clamp(Math.Max(0, available) - heldElsewhere, 0, shares[index]);
    }

    private static int IndexOf<TChannel>(IReadOnlyList<ChannelRule<TChannel>> channels, TChannel channel, EqualityComparer<TChannel> comparer)
        where TChannel : notnull
    {
        for (var i = 0; i < channels.Count; i++)
        {
            if (comparer.Equals(channels[i].Channel, channel))
            {
                return i;
            }
        }

        throw new ArgumentException($"Channel {channel} is not among the SKU's channels.", nameof(channel));
    }
}

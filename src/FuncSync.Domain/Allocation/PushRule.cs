namespace FuncSync.Domain.Allocation;

/// <summary>What one push does to one channel's listing, shared by the app's push and the flash-sale
/// simulator so the simulator proves the rule the app runs.
/// Sales a channel made that the ledger has not applied yet (its unseen sales) are units gone for
/// good: they come off the master quantity for every channel's share, and they block the channel's
/// own increases until the ledger has seen them (a read cannot confirm it did not sell meanwhile).
/// Decreases go out at once.</summary>
public static class PushRule
{
    /// <param name="current">What the channel shows now (just read).</param>
    /// <param name="available">The ledger's master quantity.</param>
    /// <param name="views">Each channel's last known state; null when none was recorded yet.</param>
    /// <param name="soldSeen">Each channel's sales of the SKU the ledger has applied, read with
    /// <paramref name="available"/> and before <paramref name="current"/>.</param>
    public static PushDecision Decide<TChannel>(
        TChannel channel,
        int current,
        int available,
        IReadOnlyList<ChannelRule<TChannel>> rules,
        int threshold,
        Func<TChannel, ChannelView?> views,
        Func<TChannel, long> soldSeen)
        where TChannel : notnull
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(views);
        ArgumentNullException.ThrowIfNull(soldSeen);
        var comparer = EqualityComparer<TChannel>.Default;
        var unseenHere = views(channel)?.UnseenGiven(current, soldSeen(channel)) ?? 0;
        var unseen = (long)unseenHere;
        var index = -1;
        for (var i = 0; i < rules.Count; i++)
        {
            if (comparer.Equals(rules[i].Channel, channel))
            {
                index = i;
            }
            else
            {
                unseen += views(rules[i].Channel)?.UnseenNow(soldSeen(rules[i].Channel)) ?? 0;
            }
        }

        if (index < 0)
        {
            throw new ArgumentException($"Channel {channel} is not among the SKU's channels.", nameof(channel));
        }

        var left = (int)Math.Max(int.MinValue, available - unseen);
        var share = ChannelAllocation.Allocate(left, rules, threshold)[index];
        var target = ChannelAllocation.TargetFor(channel, left, rules, threshold, c => views(c)?.AtMost);
        var action = target == current ? PushAction.Keep
            : target < current || unseenHere == 0 ? PushAction.Write
            : PushAction.Defer;
        return new PushDecision(action, target, share, unseenHere, left, ChannelAllocation.IsProtected(left, threshold));
    }
}

public enum PushAction
{
    /// <summary>The channel already shows the target.</summary>
    Keep,

    /// <summary>Set the channel to the target.</summary>
    Write,

    /// <summary>An increase held back until the ledger has seen the channel's own unseen sales; their
    /// events trigger the next push.</summary>
    Defer,
}

/// <param name="Target">What the channel should show now.</param>
/// <param name="Share">The channel's share of <paramref name="Left"/>; above the target while another
/// channel still shows units the share needs.</param>
/// <param name="UnseenHere">This channel's sales the ledger has not applied yet.</param>
/// <param name="Left">The master quantity less every channel's unseen sales: what is really left.</param>
public sealed record PushDecision(PushAction Action, int Target, int Share, int UnseenHere, int Left, bool IsProtected)
{
    /// <summary>What to record for the channel once this decision is carried out.</summary>
    /// <param name="shown">What the channel shows afterwards.</param>
    /// <param name="soldSeen">The channel's sales the ledger had applied, as read for this decision.</param>
    public ChannelView View(int shown, long soldSeen) => new(shown, soldSeen, UnseenHere);
}

namespace FuncSync.Domain.Allocation;

/// <summary>What the hub last knew about one channel's listing of a SKU (its push record).
/// A channel's count only falls by its own sales, so what it showed plus the sales the ledger has
/// applied since tell how many it has sold that the ledger has not seen yet.</summary>
/// <param name="Shown">What the channel showed when last read or written.</param>
/// <param name="SoldSeen">The channel's sales of the SKU the ledger had applied by then (a counter
/// that only grows, kept on the ledger's stock row in the transaction that applies each sale).</param>
/// <param name="Unseen">Sales the channel had made by then that the ledger had not applied: the
/// channel showed that many fewer than the ledger accounted for.</param>
/// <param name="Reserved">A rise being written, announced before the write so that a channel
/// deciding meanwhile counts it as shown; 0 when none.</param>
public sealed record ChannelView(int Shown, long SoldSeen, int Unseen = 0, int Reserved = 0)
{
    /// <summary>At most this many units are on the channel now: sales only lower it, and a rise in
    /// flight raises it to no more than <see cref="Reserved"/>.</summary>
    public int AtMost => Math.Max(Shown, Reserved);

    /// <summary>What the channel would show now if it sold nothing beyond what the ledger has applied.</summary>
    /// <param name="soldSeen">The channel's sales the ledger has applied by now.</param>
    public long Expected(long soldSeen) => (long)Shown + Unseen - Math.Max(0, soldSeen - SoldSeen);

    /// <summary>The channel's sales the ledger has still not applied, as of this view: the ones
    /// applied since came out of <see cref="Unseen"/> first.</summary>
    public int UnseenNow(long soldSeen) => (int)Math.Max(0, Unseen - Math.Max(0, soldSeen - SoldSeen));

    /// <summary>The channel's unseen sales given a fresh read of it: how far it fell below what it
    /// would show if it sold nothing the ledger has not applied. A channel above that (a restock or
    /// an edit on the channel) has none.</summary>
    public int UnseenGiven(int current, long soldSeen) => (int)Math.Clamp(Expected(soldSeen) - current, 0, int.MaxValue);
}

namespace FuncSync.Channels;

/// <summary>What a channel can and cannot do, as the shared machinery needs to know it: the push, reconciliation,
/// allocation, intake and the dashboard read these instead of asking which channel it is.</summary>
/// <param name="CompareAndSet">Writes are refused when the channel's quantity is no longer what was read (Shopify's
/// <c>changeFromQuantity</c>). Without it a write is serialised per written unit, read before and read back after.</param>
/// <param name="MaxQuantity">The largest quantity the channel accepts on one listing; more is written as this.</param>
/// <param name="Zero">How the channel shows a listing with nothing left.</param>
/// <param name="Intake">How sales reach FuncSync from this channel.</param>
/// <param name="DefaultLagObjective">Sale to every other channel, at the 95th percentile, unless the seller sets
/// <c>Lag__Objectives__&lt;Channel&gt;</c>.</param>
/// <param name="DefaultPriority">Lower goes first for scarce units, unless the seller sets
/// <c>Allocation__Channels__&lt;Channel&gt;__Priority</c>.</param>
/// <param name="ReportsLevelChanges">The channel says when a quantity changed, including FuncSync's own writes
/// (echoes), so a level check can tell a sale it did not hear about from its own push.</param>
/// <param name="WritesApplyLate">The channel accepts a write and applies it later (Amazon, minutes), so a push waits for
/// its read-back: it runs from the <c>channel-push</c> queue instead of holding up the commit that called for it.</param>
public sealed record ChannelCapabilities(
    bool CompareAndSet,
    int MaxQuantity,
    ZeroQuantity Zero,
    ChannelIntake Intake,
    TimeSpan DefaultLagObjective,
    int DefaultPriority,
    bool ReportsLevelChanges = false,
    bool WritesApplyLate = false);

/// <summary>How a channel shows a listing with nothing left.</summary>
public enum ZeroQuantity
{
    /// <summary>Quantity 0, still listed (Shopify with "deny" when out of stock).</summary>
    Zero,

    /// <summary>The listing or offering is deactivated, and reactivated when stock returns (Etsy rejects 0 on an active offering).</summary>
    Deactivated,
}

/// <summary>How sales reach FuncSync from a channel.</summary>
[Flags]
public enum ChannelIntake
{
    /// <summary>The channel posts signed webhooks to <c>POST /api/webhooks/{channel}</c>.</summary>
    Webhook = 1,

    /// <summary>FuncSync polls the channel's orders from a watermark.</summary>
    Poll = 2,
}

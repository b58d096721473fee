using FuncSync.Domain;
using FuncSync.Domain.Allocation;

namespace FuncSync.Allocation;

/// <summary>The seller's allocation policy (<c>Allocation__Mode=Strict</c>, <c>Allocation__Threshold=3</c>,
/// <c>Allocation__Channels__Etsy__BufferPercent=10</c>).</summary>
public sealed class AllocationOptions
{
    public const string Section = "Allocation";

    /// <summary>Protected by default; with no threshold set and none derived yet, that behaves as
    /// plain (every channel shows the master quantity minus its buffer).</summary>
    public AllocationMode Mode { get; set; } = AllocationMode.Protected;

    /// <summary>The seller's low-stock threshold T; unset lets a derived threshold decide.</summary>
    public int? Threshold { get; set; }

    public Dictionary<Channel, ChannelAllocationOptions> Channels { get; set; } = [];

    /// <summary>How fast the weight of a past sale fades in the sales velocity a derived threshold uses.</summary>
    public TimeSpan VelocityHalfLife { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The seller's tolerance for a derived threshold: expected oversold units per unit sold
    /// (0.001: at most 1 in 1,000).</summary>
    public double OversellTolerance { get; set; } = Domain.Allocation.OversellTolerance.Default.PerUnitSold;

    /// <summary>A velocity resting on less history than this is not trusted to be low.</summary>
    public TimeSpan TrustRateAfter { get; set; } = Domain.Allocation.OversellTolerance.Default.TrustAfter;

    /// <summary>How soon a SKU partitioned by a derived threshold is pushed again, so the partition
    /// lapses when its risk does.</summary>
    public TimeSpan RecheckEvery { get; set; } = Domain.Allocation.OversellTolerance.Default.RecheckEvery;

    public AllocationPolicy Policy => new(Mode, Threshold);

    public OversellTolerance Tolerance => new(OversellTolerance, TrustRateAfter, RecheckEvery);

    /// <summary>The rules for the channels a SKU is listed on. Unless the seller says otherwise, each channel
    /// module's default priority decides: a channel whose sales reach the hub within seconds (webhooks) goes before
    /// a polled one, so the scarce unit sits where a sale reaches the hub fastest.</summary>
    /// <param name="paused">The channels (by name) the seller paused this SKU on: they show 0.</param>
    /// <summary>The rules the allocation runs on, for the push and reconciliation alike. A channel's largest quantity
    /// (Etsy's 999 per offering) is part of its buffer's <see cref="ChannelBuffer.MaximumShown"/>, so the partition never
    /// gives a channel units it cannot show and a settled channel's share is what it can really be written.</summary>
    public IReadOnlyList<ChannelRule<Channel>> RulesFor(IEnumerable<Channel> channels, IReadOnlySet<string>? paused = null) =>
        channels.Select(channel => Channels.TryGetValue(channel, out var c)
                ? new ChannelRule<Channel>(channel, c.Priority ?? DefaultPriority(channel), Capped(channel, new ChannelBuffer(c.BufferPercent, c.MinimumHeld, c.MaximumShown)), paused?.Contains(channel.ToString()) == true)
                : new ChannelRule<Channel>(channel, DefaultPriority(channel), Capped(channel, ChannelBuffer.None), paused?.Contains(channel.ToString()) == true))
            .ToList();

    /// <summary>Start-up check, so a typo fails the deployment instead of a push.</summary>
    public bool IsValid() =>
        Threshold is null or >= 0
        && VelocityHalfLife > TimeSpan.Zero
        && Tolerance.IsValid()
        // A delayed queue message waits at most 7 days.
        && RecheckEvery <= TimeSpan.FromDays(7)
        && Channels.Values.All(c => c.BufferPercent is >= 0 and <= 100 && c.MinimumHeld >= 0 && c.MaximumShown is null or >= 0 && (c.AssumedLag is null || c.AssumedLag >= TimeSpan.Zero));

    private static ChannelBuffer Capped(Channel channel, ChannelBuffer buffer)
    {
        var largest = FuncSync.Channels.ChannelModules.Of(channel).Capabilities.MaxQuantity;
        return largest == int.MaxValue || buffer.MaximumShown <= largest ? buffer : buffer with { MaximumShown = largest };
    }

    private static int DefaultPriority(Channel channel) => FuncSync.Channels.ChannelModules.Of(channel).Capabilities.DefaultPriority;
}

/// <summary>One channel's buffer and priority.</summary>
public sealed class ChannelAllocationOptions
{
    /// <summary>Lower goes first for scarce units.</summary>
    public int? Priority { get; set; }

    public int BufferPercent { get; set; }

    public int MinimumHeld { get; set; }

    public int? MaximumShown { get; set; }

    /// <summary>The worst time a sale on this channel takes to reach the ledger, as the seller
    /// estimates it, for a derived threshold until lags are measured.</summary>
    public TimeSpan? AssumedLag { get; set; }
}

using System.Globalization;
using FuncSync.Domain.Allocation;

namespace FuncSync.Domain.Simulation;

/// <summary>How a channel's sales reach the hub, how its buyers behave, and how it takes writes.</summary>
/// <param name="PollInterval">Set for a channel the hub polls (Etsy); null for one that pushes notifications.</param>
/// <param name="NotifyMin">Notification lag, or the poll request's own latency for a polled channel.</param>
/// <param name="RateLimitedRate">Share of writes answered 429 (retried after <see cref="FlashSaleScenario.RateLimitRetry"/>).</param>
/// <param name="FailureRate">Share of writes failing with a 5xx (retried with backoff).</param>
public sealed record SimChannel(
    string Name,
    double BuyerShare,
    int Priority,
    TimeSpan NotifyMin,
    TimeSpan NotifyMax,
    TimeSpan? PollInterval,
    TimeSpan PushMin,
    TimeSpan PushMax,
    double RateLimitedRate,
    double FailureRate)
{
    /// <summary>Shopify (webhooks within a second), Etsy (polled every 15 s) and eBay (notifications
    /// within 2–30 s), in the order scarce units go to them.</summary>
    public static IReadOnlyList<SimChannel> Defaults { get; } =
    [
        new("Shopify", 0.50, 0, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(500), null, TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(600), 0.01, 0.01),
        new("Etsy", 0.35, 1, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(1000), TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(1200), 0.05, 0.02),
        new("eBay", 0.15, 2, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30), null, TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(2000), 0.02, 0.02),
    ];

    /// <summary>This channel with every lag and latency multiplied by <paramref name="factor"/>.</summary>
    public SimChannel Slower(int factor) => this with
    {
        NotifyMin = NotifyMin * factor,
        NotifyMax = NotifyMax * factor,
        PollInterval = PollInterval * factor,
        PushMin = PushMin * factor,
        PushMax = PushMax * factor,
    };
}

/// <summary>What one oversold unit costs the seller. Rough defaults, all configurable: payment and
/// marketplace fees not returned on a refund, materials already spent, time spent apologising, and
/// a reputation cost (cancellation rate, reviews, lost repeat custom).</summary>
public sealed record OversellCost(decimal RefundFees = 2.00m, decimal Materials = 4.00m, decimal SupportMinutes = 15m, decimal SupportHourlyRate = 30m, decimal Reputation = 15.00m)
{
    public decimal PerUnit => RefundFees + Materials + (SupportMinutes / 60m * SupportHourlyRate) + Reputation;
}

/// <summary>A sync strategy to compare.</summary>
public abstract record FlashSalePolicy(string Name);

/// <summary>A sync tool that, every <paramref name="Interval"/>, collects every channel's sales and
/// sets every channel to what is left.</summary>
public sealed record BatchSync(string Name, TimeSpan Interval) : FlashSalePolicy(Name);

/// <summary>FuncSync's pipeline (sales reach the hub with each channel's lag, level-triggered pushes,
/// decreases at once, increases only when confirmed) with the real allocation policy.</summary>
/// <param name="Buffers">One per channel of the scenario, in its order.</param>
public sealed record EventDriven(string Name, AllocationPolicy Allocation, IReadOnlyList<ChannelBuffer> Buffers) : FlashSalePolicy(Name)
{
    /// <summary>How a protected policy without a seller's threshold derives one.</summary>
    public DerivedRule Derived { get; init; } = DerivedRule.Risk;

    /// <summary>The seller announced the scenario's launch (<see cref="FlashSaleScenario.Launch"/>):
    /// strict while it lasts.</summary>
    public bool LaunchScheduled { get; init; }
}

/// <summary>How a derived threshold is worked out.</summary>
public enum DerivedRule
{
    /// <summary>The app's rule: the largest level whose oversell risk exceeds the tolerance
    /// (<see cref="DerivedThreshold.From"/>).</summary>
    Risk,

    /// <summary>The rule it replaced, kept here only to be compared: ceil(velocity × worst lag), at
    /// least 1 once the SKU has sold.</summary>
    AtLeastOneOnceSold,
}

/// <summary>The policies the README compares.</summary>
public static class FlashSalePolicies
{
    /// <summary>Hourly sync, 15-min and 60-s polling, event-driven without and with buffers on the
    /// slower channels, FuncSync protected with the seller's threshold, with the old derived rule and
    /// with the risk rule, FuncSync strict, and the risk rule with the launch scheduled.</summary>
    public static IReadOnlyList<FlashSalePolicy> Standard(IReadOnlyList<SimChannel> channels, int threshold = 2, int bufferPercent = 20)
    {
        ArgumentNullException.ThrowIfNull(channels);
        var noBuffers = channels.Select(_ => ChannelBuffer.None).ToArray();
        var slowChannelsBuffered = channels.Select(c => c.Priority == 0 ? ChannelBuffer.None : new ChannelBuffer(bufferPercent)).ToArray();
        var derived = new AllocationPolicy(AllocationMode.Protected);
        return
        [
            new BatchSync("hourly sync", TimeSpan.FromHours(1)),
            new BatchSync("15-min polling", TimeSpan.FromMinutes(15)),
            new BatchSync("60-s polling", TimeSpan.FromSeconds(60)),
            new EventDriven("event-driven", AllocationPolicy.Plain, noBuffers),
            new EventDriven(string.Create(CultureInfo.InvariantCulture, $"event-driven, {bufferPercent}% buffers"), AllocationPolicy.Plain, slowChannelsBuffered),
            new EventDriven(string.Create(CultureInfo.InvariantCulture, $"FuncSync protected (T={threshold})"), new AllocationPolicy(AllocationMode.Protected, threshold), noBuffers),
            new EventDriven("protected, old derived T", derived, noBuffers) { Derived = DerivedRule.AtLeastOneOnceSold },
            new EventDriven("protected, risk-based T", derived, noBuffers),
            new EventDriven("FuncSync strict", AllocationPolicy.Strict, noBuffers),
            new EventDriven("risk-based + launch", derived, noBuffers) { LaunchScheduled = true },
        ];
    }
}

/// <summary>One flash sale: the catalog, the buyers and the channels. The defaults are the README's
/// scenario: 200 one-of-a-kind items dropped at once on Shopify, Etsy and eBay; about 1,000 buyers
/// over 30 minutes, most of them in the first minutes.</summary>
public sealed record FlashSaleScenario
{
    /// <summary>An ordinary month: 200 one-off and few-unit items (1 to 3 units), about 1,000 buyers
    /// spread evenly over 30 days, so each item sells a handful of times; a sold-out item is made
    /// again within a few days (a receipt at the hub). Same channels, lags and failures as the drop;
    /// the launch is the first hour, when the month's pieces go live.</summary>
    public static FlashSaleScenario OrdinaryMonth { get; } = new()
    {
        Name = "ordinary month",
        Duration = TimeSpan.FromDays(30),
        DemandDecay = null,
        MaxUnitsPerItem = 3,
        RestockMin = TimeSpan.FromDays(1),
        RestockMax = TimeSpan.FromDays(4),
        Launch = TimeSpan.FromHours(1),
    };

    public string Name { get; init; } = "flash sale";

    public int Seed { get; init; } = 42;

    public int Items { get; init; } = 200;

    /// <summary>Units each item starts with.</summary>
    public int UnitsPerItem { get; init; } = 1;

    /// <summary>Set for a catalog of few-unit items: each item starts with between
    /// <see cref="UnitsPerItem"/> and this many units (seeded).</summary>
    public int? MaxUnitsPerItem { get; init; }

    /// <summary>Set when the maker restocks: an item whose last unit sold gets its starting units
    /// again after a delay between <see cref="RestockMin"/> and <see cref="RestockMax"/>.</summary>
    public TimeSpan? RestockMin { get; init; }

    public TimeSpan? RestockMax { get; init; }

    /// <summary>How long a launch scheduled by the seller lasts from the start (policies with
    /// <see cref="EventDriven.LaunchScheduled"/>); the drop's whole half hour by default.</summary>
    public TimeSpan Launch { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>The seller's tolerance the risk rule works to.</summary>
    public OversellTolerance Tolerance { get; init; } = OversellTolerance.Default;

    /// <summary>The half-life of the hub's sales velocity (the app's <c>Allocation__VelocityHalfLife</c>).</summary>
    public TimeSpan VelocityHalfLife { get; init; } = TimeSpan.FromHours(1);

    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Buyers expected over the sale (the seeded arrivals give about this many).</summary>
    public int ExpectedBuyers { get; init; } = 1000;

    /// <summary>Arrivals thin out exponentially from the drop with this time constant; null for
    /// arrivals spread evenly over the duration.</summary>
    public TimeSpan? DemandDecay { get; init; } = TimeSpan.FromMinutes(5);

    public IReadOnlyList<SimChannel> Channels { get; init; } = SimChannel.Defaults;

    public OversellCost Cost { get; init; } = new();

    /// <summary>Hub-side delay between a ledger commit and the push starting (queue hop).</summary>
    public TimeSpan QueueMin { get; init; } = TimeSpan.FromMilliseconds(20);

    public TimeSpan QueueMax { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan RateLimitRetry { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan FailureRetry { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A clear error for a scenario the simulator cannot run, before anything runs.</summary>
    public void Validate()
    {
        if (Items <= 0 || UnitsPerItem <= 0 || ExpectedBuyers < 0)
        {
            throw new ArgumentException("A flash sale needs at least one item with at least one unit, and no negative buyer count.");
        }

        if (Duration <= TimeSpan.Zero || DemandDecay <= TimeSpan.Zero || Launch < TimeSpan.Zero)
        {
            throw new ArgumentException("A flash sale needs a positive duration and demand decay, and no negative launch.");
        }

        if (MaxUnitsPerItem < UnitsPerItem || (RestockMin is null) != (RestockMax is null) || RestockMin < TimeSpan.Zero || RestockMax < RestockMin)
        {
            throw new ArgumentException("The most units per item cannot be below the fewest, and a restock needs a delay range from 0 up.");
        }

        if (!Tolerance.IsValid() || VelocityHalfLife <= TimeSpan.Zero)
        {
            throw new ArgumentException("The oversell tolerance must lie between 0 and 1, and the velocity half-life be positive.");
        }

        if (Channels.Count == 0 || Channels.Any(c => c.BuyerShare < 0) || Channels.Sum(c => c.BuyerShare) <= 0)
        {
            throw new ArgumentException("A flash sale needs at least one channel and buyer shares that are not negative and not all zero.");
        }

        if (Channels.Any(c => c.RateLimitedRate < 0 || c.FailureRate < 0 || c.RateLimitedRate + c.FailureRate >= 1))
        {
            throw new ArgumentException("A channel's 429 and failure rates must be at least 0 and together below 1, or no write would ever land.");
        }
    }
}

/// <summary>One policy's outcome.</summary>
/// <param name="LostSales">Buyers who found 0 on their channel while a unit of the item was free.</param>
/// <param name="AverageVisible">Units shown over all channels and items, averaged over the sale.</param>
/// <param name="Pushes">Writes to channels (batch sync tools' writes are not counted).</param>
public sealed record FlashSaleResult(string Policy, int Buyers, int Sold, int Oversold, int LostSales, double AverageVisible, int Pushes, decimal OversellCost)
{
    /// <summary>Oversold units per unit sold (both the good sales and the oversold ones).</summary>
    public double OversoldPerUnitSold => Sold + Oversold == 0 ? 0 : (double)Oversold / (Sold + Oversold);
}

using FuncSync.Domain.Allocation;

namespace FuncSync.FlashSale;

/// <summary>How a channel's sales reach the hub, how its buyers behave, and how it takes writes.</summary>
/// <param name="PollInterval">Set for a channel the hub polls (Etsy); null for one that pushes notifications.</param>
/// <param name="NotifyMin">Notification lag, or the poll request's own latency for a polled channel.</param>
/// <param name="RateLimitedRate">Share of writes answered 429 (retried after <see cref="Scenario.RateLimitRetry"/>).</param>
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
    double FailureRate);

/// <summary>What one oversold unit costs the seller. Rough defaults, all configurable: payment and
/// marketplace fees not returned on a refund, materials already spent, time spent apologising, and
/// a reputation cost (cancellation rate, reviews, lost repeat custom).</summary>
public sealed record OversellCost(decimal RefundFees = 2.00m, decimal Materials = 4.00m, decimal SupportMinutes = 15m, decimal SupportHourlyRate = 30m, decimal Reputation = 15.00m)
{
    public decimal PerUnit => RefundFees + Materials + (SupportMinutes / 60m * SupportHourlyRate) + Reputation;
}

/// <summary>A sync strategy to compare.</summary>
public abstract record SimPolicy(string Name);

/// <summary>A sync tool that, every <paramref name="Interval"/>, collects every channel's sales and
/// sets every channel to what is left.</summary>
public sealed record BatchSync(string Name, TimeSpan Interval) : SimPolicy(Name);

/// <summary>FuncSync's pipeline (sales reach the hub with each channel's lag, level-triggered pushes,
/// decreases at once, increases only when confirmed) with the real allocation policy.</summary>
public sealed record EventDriven(string Name, AllocationPolicy Allocation, IReadOnlyList<ChannelBuffer> Buffers) : SimPolicy(Name);

/// <summary>One flash sale: the catalog, the buyers, the channels and the policies to compare.</summary>
public sealed record Scenario(
    int Seed,
    int Items,
    int UnitsPerItem,
    TimeSpan Duration,
    int ExpectedBuyers,
    TimeSpan DemandDecay,
    IReadOnlyList<SimChannel> Channels,
    IReadOnlyList<SimPolicy> Policies,
    OversellCost Cost)
{
    /// <summary>Hub-side delay between a ledger commit and the push starting (queue hop).</summary>
    public TimeSpan QueueMin { get; init; } = TimeSpan.FromMilliseconds(20);

    public TimeSpan QueueMax { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan RateLimitRetry { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan FailureRetry { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>200 one-of-a-kind items dropped at once on Shopify, Etsy and eBay; about 1,000 buyers
    /// over 30 minutes, most of them in the first minutes.</summary>
    public static Scenario Default(int seed = 42, int items = 200, int unitsPerItem = 1, int buyers = 1000, int minutes = 30, int? threshold = 2, int bufferPercent = 20)
    {
        SimChannel[] channels =
        [
            new("Shopify", 0.50, 0, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(500), null, TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(600), 0.01, 0.01),
            new("Etsy", 0.35, 1, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(1000), TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(1200), 0.05, 0.02),
            new("eBay", 0.15, 2, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30), null, TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(2000), 0.02, 0.02),
        ];
        var noBuffers = channels.Select(_ => ChannelBuffer.None).ToArray();
        var slowChannelsBuffered = channels.Select(c => c.Priority == 0 ? ChannelBuffer.None : new ChannelBuffer(bufferPercent)).ToArray();
        SimPolicy[] policies =
        [
            new BatchSync("hourly sync", TimeSpan.FromHours(1)),
            new BatchSync("15-min polling", TimeSpan.FromMinutes(15)),
            new BatchSync("60-s polling", TimeSpan.FromSeconds(60)),
            new EventDriven("event-driven", AllocationPolicy.Plain, noBuffers),
            new EventDriven(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"event-driven, {bufferPercent}% buffers"), AllocationPolicy.Plain, slowChannelsBuffered),
            new EventDriven(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"FuncSync protected (T={threshold})"), new AllocationPolicy(AllocationMode.Protected, threshold), noBuffers),
            new EventDriven("FuncSync strict", AllocationPolicy.Strict, noBuffers),
        ];
        return new Scenario(seed, items, unitsPerItem, TimeSpan.FromMinutes(minutes), buyers, TimeSpan.FromMinutes(5), channels, policies, new OversellCost());
    }
}

/// <summary>One policy's outcome.</summary>
/// <param name="LostSales">Buyers who found 0 on their channel while a unit of the item was free.</param>
/// <param name="AverageVisible">Units shown over all channels and items, averaged over the sale.</param>
public sealed record PolicyResult(string Policy, int Buyers, int Sold, int Oversold, int LostSales, double AverageVisible, int Pushes, decimal OversellCost);

namespace FuncSync.Domain.Simulation;

/// <summary>A deterministic discrete-event simulation of a flash sale. Every policy meets the same
/// buyers (same seed); lags, latencies and failures come from a per-policy generator with the same
/// seed, so a run is reproducible to the unit. Event-driven policies call the real allocation code.</summary>
public static class FlashSaleSimulator
{
    /// <summary>The standard comparison (<see cref="FlashSalePolicies.Standard"/>) on this scenario.</summary>
    public static IReadOnlyList<FlashSaleResult> Run(FlashSaleScenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return Run(scenario, FlashSalePolicies.Standard(scenario.Channels));
    }

    /// <summary>One result per policy, in the order given. Pure and CPU-bound: the default scenario
    /// runs in well under a second.</summary>
    /// <exception cref="ArgumentException">The scenario or a policy cannot be run.</exception>
    public static IReadOnlyList<FlashSaleResult> Run(FlashSaleScenario scenario, IReadOnlyList<FlashSalePolicy> policies)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(policies);
        scenario.Validate();
        foreach (var policy in policies.OfType<EventDriven>())
        {
            if (policy.Buffers.Count != scenario.Channels.Count)
            {
                throw new ArgumentException($"Policy '{policy.Name}' has {policy.Buffers.Count} buffers for {scenario.Channels.Count} channels.", nameof(policies));
            }
        }

        var buyers = Buyers(scenario);
        var units = StartUnits(scenario);
        return policies.Select(policy => policy switch
        {
            BatchSync batch when batch.Interval > TimeSpan.Zero => new Market(scenario, buyers, units).RunBatch(batch),
            EventDriven hub => new Market(scenario, buyers, units).RunEventDriven(hub),
            _ => throw new ArgumentException($"Policy '{policy.Name}' cannot be simulated.", nameof(policies)),
        }).ToList();
    }

    /// <summary>Each item's starting units: <see cref="FlashSaleScenario.UnitsPerItem"/>, or a seeded
    /// draw up to <see cref="FlashSaleScenario.MaxUnitsPerItem"/>, the same for every policy.</summary>
    internal static IReadOnlyList<int> StartUnits(FlashSaleScenario scenario)
    {
        var random = new Random(scenario.Seed + 2);
        var most = scenario.MaxUnitsPerItem ?? scenario.UnitsPerItem;
        return Enumerable.Range(0, scenario.Items).Select(_ => random.Next(scenario.UnitsPerItem, most + 1)).ToArray();
    }

    /// <summary>Arrivals thin out exponentially from the drop (rate r0 * e^(-t/decay)), or come at an
    /// even rate without a decay; each buyer comes through one channel and wants one item.</summary>
    internal static IReadOnlyList<Buyer> Buyers(FlashSaleScenario scenario)
    {
        var random = new Random(scenario.Seed);
        var duration = scenario.Duration.TotalMilliseconds;
        var decay = scenario.DemandDecay?.TotalMilliseconds;
        var peakPerMs = decay is { } d ? scenario.ExpectedBuyers / (d * (1 - Math.Exp(-duration / d))) : scenario.ExpectedBuyers / duration;
        var buyers = new List<Buyer>();
        for (var t = Exponential(random, peakPerMs); t < duration; t += Exponential(random, peakPerMs))
        {
            var keep = random.NextDouble() < (decay is { } tau ? Math.Exp(-t / tau) : 1);
            var channel = PickChannel(scenario.Channels, random.NextDouble());
            var item = random.Next(scenario.Items);
            if (keep)
            {
                buyers.Add(new Buyer((long)t, channel, item));
            }
        }

        return buyers;
    }

    private static double Exponential(Random random, double ratePerMs) => -Math.Log(1 - random.NextDouble()) / ratePerMs;

    private static int PickChannel(IReadOnlyList<SimChannel> channels, double u)
    {
        var total = channels.Sum(c => c.BuyerShare);
        var acc = 0.0;
        for (var i = 0; i < channels.Count; i++)
        {
            acc += channels[i].BuyerShare / total;
            if (u < acc)
            {
                return i;
            }
        }

        return channels.Count - 1;
    }

    internal sealed record Buyer(long At, int Channel, int Item);
}

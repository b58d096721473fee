using FuncSync.Catalog;
using FuncSync.Domain.Allocation;
using FuncSync.Launches;
using FuncSync.Ledger;
using Microsoft.Extensions.Options;

namespace FuncSync.Allocation;

/// <summary>The low-stock threshold a push and the reconciler work with for a SKU now: strict during a
/// scheduled launch of it, else the seller's policy, with the derived threshold where the policy leaves
/// it to measurement.</summary>
public sealed class ThresholdInForce(IOptions<AllocationOptions> options, IDerivedThreshold derived, LaunchStore launches, TimeProvider time)
{
    /// <summary>How long the list of launches is reused: a burst of pushes costs one read of it. A launch's
    /// edges are pushed this much after they pass, so every instance has seen the change by then.</summary>
    public static readonly TimeSpan ListFreshFor = TimeSpan.FromSeconds(5);

    private Listed? _listed;

    /// <param name="stock">The SKU's stock as the caller read or committed it, or null (<see cref="ISalesVelocity"/>).</param>
    public async ValueTask<AllocationThreshold> ForAsync(SkuMapping mapping, SkuAvailability? stock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        if (mapping.IsUnlimited)
        {
            // Made when ordered: no last unit to protect, every channel shows the seller's figure.
            return new AllocationThreshold(0, ThresholdSource.MadeToOrder);
        }

        var now = time.GetUtcNow();
        if ((await LaunchesAsync(now, cancellationToken)).FirstOrDefault(l => l.IsRunning(now) && l.Covers(mapping.Sku, mapping.Tags)) is { } launch)
        {
            return new AllocationThreshold(AllocationPolicy.Strict.EffectiveThreshold(), ThresholdSource.Launch) { Launch = launch.Name };
        }

        var policy = options.Value.Policy;
        return policy.UsesDerivedThreshold
            ? new AllocationThreshold(policy.EffectiveThreshold(await derived.ForAsync(mapping, stock, cancellationToken)), ThresholdSource.Derived)
            : new AllocationThreshold(policy.EffectiveThreshold(), ThresholdSource.Seller);
    }

    private async ValueTask<IReadOnlyList<ScheduledLaunch>> LaunchesAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_listed is { } listed && now - listed.At < ListFreshFor && now >= listed.At)
        {
            return listed.Launches;
        }

        var launchesNow = await launches.ListAsync(now, cancellationToken);
        _listed = new Listed(now, launchesNow);
        return launchesNow;
    }

    private sealed record Listed(DateTimeOffset At, IReadOnlyList<ScheduledLaunch> Launches);
}

/// <param name="Value">At or below it the last units are partitioned between channels.</param>
public sealed record AllocationThreshold(int Value, ThresholdSource Source)
{
    /// <summary>The running launch that made it strict, when one did.</summary>
    public string? Launch { get; init; }
}

public enum ThresholdSource
{
    /// <summary>The seller's mode and threshold.</summary>
    Seller,

    /// <summary>Derived from the oversell risk; it moves with time, so a partition it made is re-checked.</summary>
    Derived,

    /// <summary>Strict for a scheduled launch.</summary>
    Launch,

    /// <summary>None: a made-to-order piece without materials has no last unit.</summary>
    MadeToOrder,
}

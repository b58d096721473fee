using System.Collections.Concurrent;
using FuncSync.Catalog;
using FuncSync.Domain.Allocation;
using FuncSync.Domain.Ledger;
using FuncSync.Lag;
using FuncSync.Ledger;
using Microsoft.Extensions.Options;

namespace FuncSync.Allocation;

/// <summary>The low-stock threshold derived from measurement: the largest level at which more buyers
/// than units meeting within the worst-case lag of the SKU's channels would oversell more than the
/// seller's tolerance (<see cref="DerivedThreshold.From"/>). Protected mode uses it when the seller
/// set no threshold.</summary>
public interface IDerivedThreshold
{
    /// <returns>Null while there is nothing measured to derive it from.</returns>
    ValueTask<int?> ForAsync(SkuMapping mapping, CancellationToken cancellationToken);
}

/// <summary>How fast a SKU sells. The seam for a forecasting component: register another
/// implementation to replace the ledger's own estimate.</summary>
public interface ISalesVelocity
{
    ValueTask<SalesVelocity> ForAsync(SkuMapping mapping, CancellationToken cancellationToken);
}

/// <summary>The risk of the velocity within the worst lag among the SKU's channels: each channel's measured lag
/// (<see cref="ILagMeasurements"/>) or the seller's stated one
/// (<c>Allocation__Channels__Etsy__AssumedLag=00:15:00</c>), whichever is longer. A channel with neither does not count;
/// with none known, nothing is derived.</summary>
public sealed class MeasuredDerivedThreshold(ISalesVelocity velocity, ILagMeasurements lags, IOptions<AllocationOptions> options) : IDerivedThreshold
{
    public async ValueTask<int?> ForAsync(SkuMapping mapping, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        var sold = await velocity.ForAsync(mapping, cancellationToken);
        if (sold.Sales == 0)
        {
            // Never sold: no threshold to derive, whatever the lag; the lags are not even asked.
            return null;
        }

        TimeSpan? worst = null;
        foreach (var channel in mapping.Channels)
        {
            // The seller's stated lag is a floor: a quiet hour of fast pushes must not talk the
            // threshold below what the seller knows the channel can take on a bad day.
            var measured = await lags.WorstLagAsync(channel, cancellationToken);
            var assumed = options.Value.Channels.TryGetValue(channel, out var c) ? c.AssumedLag : null;
            foreach (var known in new[] { measured, assumed })
            {
                if (known is { } lag && (worst is null || lag > worst))
                {
                    worst = lag;
                }
            }
        }

        return worst is { } w ? DerivedThreshold.From(sold, w, options.Value.Tolerance) : null;
    }
}

/// <summary>The ledger's own sale history, recency-weighted (<see cref="AllocationOptions.VelocityHalfLife"/>),
/// over eight half-lives and at most <see cref="MaxEntries"/> changes. Remembered per SKU for a
/// minute, so a burst of pushes costs one history read. A composed SKU has no history of its own
/// and reads as not sold.</summary>
public sealed class LedgerSalesVelocity(LedgerStore ledger, IOptions<AllocationOptions> options, TimeProvider time) : ISalesVelocity
{
    public const int MaxEntries = 500;

    private static readonly TimeSpan RememberFor = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, (DateTimeOffset At, SalesVelocity Velocity)> _recent = new(StringComparer.Ordinal);

    public async ValueTask<SalesVelocity> ForAsync(SkuMapping mapping, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        if (mapping.IsComposed)
        {
            return SalesVelocity.None;
        }

        var now = time.GetUtcNow();
        if (_recent.TryGetValue(mapping.Sku, out var remembered) && now - remembered.At < RememberFor)
        {
            return remembered.Velocity;
        }

        var halfLife = options.Value.VelocityHalfLife;
        var since = now - (halfLife * 8);
        var sales = new List<(DateTimeOffset, int)>();
        var read = 0;
        string? continuation = null;
        do
        {
            var page = await ledger.GetHistoryAsync(mapping.Sku, 100, continuation, cancellationToken);
            foreach (var entry in page.Entries.TakeWhile(e => e.CommittedAt >= since))
            {
                if (entry.Kind == InventoryEventKind.Sale && entry.Delta < 0)
                {
                    sales.Add((entry.OccurredAt, -entry.Delta));
                }
            }

            read += page.Entries.Count;
            continuation = page.Entries.Count > 0 && page.Entries[^1].CommittedAt >= since ? page.Continuation : null;
        }
        while (continuation is not null && read < MaxEntries);

        var velocity = DerivedThreshold.Velocity(sales, now, halfLife);
        _recent[mapping.Sku] = (now, velocity);
        return velocity;
    }
}

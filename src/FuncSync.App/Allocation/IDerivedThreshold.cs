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
    /// <param name="stock">The SKU's stock as the caller read or committed it, or null: see <see cref="ISalesVelocity"/>.</param>
    /// <returns>Null while there is nothing measured to derive it from.</returns>
    ValueTask<int?> ForAsync(SkuMapping mapping, SkuAvailability? stock, CancellationToken cancellationToken);
}

/// <summary>How fast a SKU sells. The seam for a forecasting component: register another
/// implementation to replace the ledger's own estimate.</summary>
public interface ISalesVelocity
{
    /// <param name="stock">The SKU's stock as the caller read or committed it (its version, and the change that made it
    /// when the ledger just committed it here), or null: lets an estimate tell whether anything was sold since it last
    /// looked without looking again.</param>
    ValueTask<SalesVelocity> ForAsync(SkuMapping mapping, SkuAvailability? stock, CancellationToken cancellationToken);
}

/// <summary>The risk of the velocity within the worst lag among the SKU's channels: each channel's measured lag
/// (<see cref="ILagMeasurements"/>) or the seller's stated one
/// (<c>Allocation__Channels__Etsy__AssumedLag=00:15:00</c>), whichever is longer. A channel with neither does not count;
/// with none known, nothing is derived.</summary>
public sealed class MeasuredDerivedThreshold(ISalesVelocity velocity, ILagMeasurements lags, IOptions<AllocationOptions> options) : IDerivedThreshold
{
    public async ValueTask<int?> ForAsync(SkuMapping mapping, SkuAvailability? stock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        var sold = await velocity.ForAsync(mapping, stock, cancellationToken);
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
/// over eight half-lives and at most <see cref="MaxEntries"/> changes. A SKU's sales are remembered with the stock version
/// they were read at: a push whose stock is that version or older, or one version newer with the change that made it
/// (a sale this process just committed), works from them without reading the history again, so a SKU's history is read
/// once per process, and again only when a change reached its stock elsewhere. A caller without the stock has the
/// remembered sales for a minute. A composed SKU has no history of its own and reads as not sold.</summary>
public sealed class LedgerSalesVelocity(LedgerStore ledger, IOptions<AllocationOptions> options, TimeProvider time) : ISalesVelocity
{
    public const int MaxEntries = 500;

    private static readonly TimeSpan RememberFor = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, RememberedSales> _recent = new(StringComparer.Ordinal);

    public async ValueTask<SalesVelocity> ForAsync(SkuMapping mapping, SkuAvailability? stock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        if (mapping.IsComposed)
        {
            return SalesVelocity.None;
        }

        var now = time.GetUtcNow();
        var halfLife = options.Value.VelocityHalfLife;
        var since = now - (halfLife * 8);
        if (_recent.TryGetValue(mapping.Sku, out var remembered) && remembered.Serves(stock, since, now, RememberFor) is { } current)
        {
            if (current != remembered)
            {
                _recent[mapping.Sku] = current;
            }

            return current.Velocity(since, now, halfLife);
        }

        var sales = new List<RememberedSale>();
        var read = 0;
        string? continuation = null;
        do
        {
            var page = await ledger.GetHistoryAsync(mapping.Sku, 100, continuation, cancellationToken);
            foreach (var entry in page.Entries.TakeWhile(e => e.CommittedAt >= since))
            {
                if (RememberedSale.From(entry) is { } sale)
                {
                    sales.Add(sale);
                }
            }

            read += page.Entries.Count;
            continuation = page.Entries.Count > 0 && page.Entries[^1].CommittedAt >= since ? page.Continuation : null;
        }
        while (continuation is not null && read < MaxEntries);

        // The stock the caller read or committed came before this read, so the history holds every change up to its
        // version (a history row is written in the stock row's own transaction), and perhaps a few after it.
        var fresh = new RememberedSales(now, stock?.Version, sales);
        _recent[mapping.Sku] = fresh;
        return fresh.Velocity(since, now, halfLife);
    }
}

/// <summary>One sale in a SKU's history, as the velocity weighs it.</summary>
internal sealed record RememberedSale(string EventId, DateTimeOffset CommittedAt, DateTimeOffset OccurredAt, int Units)
{
    public static RememberedSale? From(HistoryEntry entry) =>
        entry is { Kind: InventoryEventKind.Sale, Delta: < 0 } ? new RememberedSale(entry.EventId, entry.CommittedAt, entry.OccurredAt, -entry.Delta) : null;
}

/// <summary>A SKU's sales as read at <paramref name="At"/>, complete up to stock version <paramref name="Version"/> (null
/// when the reader did not know it).</summary>
internal sealed record RememberedSales(DateTimeOffset At, long? Version, IReadOnlyList<RememberedSale> Sales)
{
    /// <summary>These sales, or these and the stock's own last change (those older than <paramref name="since"/> let go),
    /// when they answer for <paramref name="stock"/>; null when the history must be read again.</summary>
    public RememberedSales? Serves(SkuAvailability? stock, DateTimeOffset since, DateTimeOffset now, TimeSpan rememberFor)
    {
        if (stock is null || Version is not { } version)
        {
            return now - At < rememberFor && now >= At ? this : null;
        }

        if (stock.Version <= version)
        {
            return this;
        }

        if (stock.Version == version + 1 && stock.LastChange is { } change)
        {
            // The one change since: a sale the history read may already have held (it can run past the version) counts once.
            var kept = Sales.Where(s => s.CommittedAt >= since).Take(LedgerSalesVelocity.MaxEntries - 1).ToList();
            return RememberedSale.From(change) is { } sale && kept.All(s => s.EventId != sale.EventId)
                ? this with { Version = stock.Version, Sales = [sale, .. kept] }
                : this with { Version = stock.Version, Sales = kept };
        }

        return null;
    }

    public SalesVelocity Velocity(DateTimeOffset since, DateTimeOffset now, TimeSpan halfLife) =>
        DerivedThreshold.Velocity(Sales.Where(s => s.CommittedAt >= since).Select(s => (s.OccurredAt, s.Units)), now, halfLife);
}

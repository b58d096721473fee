using System.Globalization;
using FuncSync.Alerts;
using FuncSync.Catalog;
using FuncSync.Ledger;
using FuncSync.Push;

namespace FuncSync.Skus;

/// <summary>The stock grid at any size: a page of SKUs for the first render (the first pages in key order read only their
/// own rows; a search or a filter reads the catalogue once, when the seller asks), then only what changed since a token.
/// The counts above the grid come once per visit from <see cref="SummaryAsync"/> and are kept up to date from the changes.</summary>
public sealed class SkuGrid(SkuStatusFunction status, SkuMapStore map, LedgerStore ledger, PushStore pushes, AlertStore alerts, SkuChangeFeed feed, TimeProvider time)
{
    public const int MaxPageSize = 500;

    /// <summary>Past this many changed SKUs the answer says reset: the grid reloads its page, which is cheaper than
    /// composing every row one by one (a catalogue import changes them all).</summary>
    public const int MaxChanges = 200;

    private const int ReadConcurrency = 16;

    /// <summary>States the grid counts as needing attention.</summary>
    public static readonly IReadOnlySet<SyncState> Problems = new HashSet<SyncState> { SyncState.Pushing, SyncState.Drift, SyncState.Unmapped, SyncState.Oversold };

    public async Task<SkuPage> PageAsync(SkuGridQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);

        // Taken before anything is read, so a change committed while the page is built comes with the first delta.
        var token = GridToken.Format(time.GetUtcNow() - SkuChangeFeed.Overlap);
        var openAlerts = OpenAlertsAsync(cancellationToken);
        if (query.IsPlain)
        {
            var (rows, more) = await PlainPageAsync(query, cancellationToken);
            return new SkuPage(rows, query.Page, query.PageSize, more, null, token, await openAlerts);
        }

        var matching = (await status.ListAsync(cancellationToken)).Skus.Where(query.Matches).ToList();
        var slice = matching.Skip((query.Page - 1) * query.PageSize).Take(query.PageSize).ToList();
        return new SkuPage(slice, query.Page, query.PageSize, matching.Count > query.Page * query.PageSize, matching.Count, token, await openAlerts);
    }

    /// <summary>The rows that changed since <paramref name="since"/>, and the token to ask with next.</summary>
    public async Task<SkuDelta> ChangesAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var changes = await feed.ReadAsync(since, cancellationToken);
        var token = GridToken.Format(changes.Next);
        var openAlerts = changes.MarkerMoved ? await OpenAlertsAsync(cancellationToken) : null;
        if (changes.Skus.Count == 0 || changes.Skus.Count > MaxChanges)
        {
            return new SkuDelta(token, [], changes.Skus.Count > MaxChanges) { Alerts = openAlerts };
        }

        var drifted = alerts.OpenSkusAsync(AlertKind.Discrepancy, null, cancellationToken);
        var mappings = await MappingsAsync(changes.Skus, cancellationToken);

        // A part's change moves the bundles and made-to-order pieces that use it.
        var parents = mappings.SelectMany(m => m.UsedBy).Where(p => !changes.Skus.Contains(p)).Distinct(StringComparer.Ordinal).ToList();
        mappings.AddRange(await MappingsAsync(parents, cancellationToken));
        var rows = await ComposeEachAsync(mappings, await drifted, cancellationToken);
        return new SkuDelta(token, [.. rows.OrderBy(r => r.Sku, StringComparer.Ordinal)], false) { Alerts = openAlerts };
    }

    /// <summary>How many SKUs there are and which need attention: the whole catalogue read once, when the grid opens.</summary>
    public async Task<SkuSummary> SummaryAsync(CancellationToken cancellationToken)
    {
        var list = await status.ListAsync(cancellationToken);
        return new SkuSummary(list.Skus.Count, [.. list.Skus.Where(s => Problems.Contains(s.State)).Select(s => s.Sku)]);
    }

    private async Task<OpenAlerts> OpenAlertsAsync(CancellationToken cancellationToken)
    {
        var skus = await alerts.OpenAlertSkusAsync(cancellationToken);
        return new OpenAlerts(skus.Count, [.. skus.OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)], skus.Count(s => s is null));
    }

    /// <summary>The page's mappings in key order, then their stock rows and push records by range: a handful of queries
    /// however big the catalogue is, for the first pages.</summary>
    private async Task<(IReadOnlyList<SkuStatus> Rows, bool More)> PlainPageAsync(SkuGridQuery query, CancellationToken cancellationToken)
    {
        var skip = (query.Page - 1) * query.PageSize;
        var mappings = new List<SkuMapping>(query.PageSize + 1);
        await foreach (var mapping in map.ListAsync(Math.Min(1000, skip + query.PageSize + 1), cancellationToken))
        {
            if (skip-- > 0)
            {
                continue;
            }

            mappings.Add(mapping);
            if (mappings.Count > query.PageSize)
            {
                break;
            }
        }

        var more = mappings.Count > query.PageSize;
        if (more)
        {
            mappings.RemoveAt(mappings.Count - 1);
        }

        if (mappings.Count == 0)
        {
            return ([], false);
        }

        var (first, last) = (mappings[0].Sku, mappings[^1].Sku);
        var drifted = alerts.OpenSkusAsync(AlertKind.Discrepancy, null, cancellationToken);
        var recordsTask = pushes.ListAsync(first, last, cancellationToken);
        var stock = new Dictionary<string, StockRow>(await ledger.ListStockAsync(first, last, cancellationToken), StringComparer.Ordinal);

        // A bundle's parts may sort outside the page: read those one by one. A SKU never counted has no row.
        var inRange = new HashSet<string>(mappings.Select(m => m.Sku), StringComparer.Ordinal);
        var outside = mappings.SelectMany(m => m.Parts.Select(p => p.Sku)).Where(p => !inRange.Contains(p) && !stock.ContainsKey(p)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var row in await Task.WhenAll(outside.Select(p => ledger.GetStockAsync(p, cancellationToken))))
        {
            stock[row.Sku] = row;
        }

        var records = (await recordsTask).ToLookup(r => r.Sku, StringComparer.Ordinal);
        var drift = await drifted;
        return (mappings.Select(m => SkuStatusFunction.Compose(m, LedgerStore.Availability(m, sku => stock.GetValueOrDefault(sku) ?? LedgerStore.NoStock(sku)), [.. records[m.Sku]], drift.Contains(m.Sku))).ToList(), more);
    }

    private async Task<List<SkuMapping>> MappingsAsync(IEnumerable<string> skus, CancellationToken cancellationToken)
    {
        var found = new System.Collections.Concurrent.ConcurrentBag<SkuMapping>();
        await Parallel.ForEachAsync(skus, new ParallelOptions { MaxDegreeOfParallelism = ReadConcurrency, CancellationToken = cancellationToken }, async (sku, ct) =>
        {
            if (await map.GetAsync(sku, ct) is { } mapping)
            {
                found.Add(mapping);
            }
        });
        return [.. found];
    }

    private async Task<IReadOnlyList<SkuStatus>> ComposeEachAsync(IReadOnlyList<SkuMapping> mappings, IReadOnlySet<string> drifted, CancellationToken cancellationToken)
    {
        var rows = new System.Collections.Concurrent.ConcurrentBag<SkuStatus>();
        await Parallel.ForEachAsync(mappings, new ParallelOptions { MaxDegreeOfParallelism = ReadConcurrency, CancellationToken = cancellationToken }, async (mapping, ct) =>
        {
            var stock = ledger.GetAvailabilityAsync(mapping, ct);
            var records = await pushes.ListAsync(mapping.Sku, ct);
            rows.Add(SkuStatusFunction.Compose(mapping, await stock, records, drifted.Contains(mapping.Sku)));
        });
        return [.. rows];
    }
}

/// <summary>What the grid asks for: a page, and optionally a search (<c>q</c>, in the SKU or title) and a filter
/// (<c>problems</c>, or <c>low</c> at or below <see cref="Threshold"/>).</summary>
public sealed record SkuGridQuery(int Page, int PageSize, string? Text, string? Filter, int Threshold)
{
    public static readonly IReadOnlyList<string> Filters = ["problems", "low"];

    /// <summary>No search and no filter: the page can be read by key range.</summary>
    public bool IsPlain => string.IsNullOrEmpty(Text) && string.IsNullOrEmpty(Filter);

    public bool Matches(SkuStatus sku)
    {
        ArgumentNullException.ThrowIfNull(sku);
        if (!string.IsNullOrEmpty(Text) && !sku.Sku.Contains(Text, StringComparison.OrdinalIgnoreCase) && !sku.Title.Contains(Text, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return Filter switch
        {
            "problems" => SkuGrid.Problems.Contains(sku.State),
            "low" => sku.Available <= Threshold,
            _ => true,
        };
    }
}

/// <summary>The grid's change token: a moment of the storage service's clock, in milliseconds since 1970, opaque to callers.</summary>
public static class GridToken
{
    public static string Format(DateTimeOffset at) => at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    public static bool TryParse(string text, out DateTimeOffset at)
    {
        at = default;
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) || ms > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            return false;
        }

        at = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        return true;
    }
}

/// <summary>Answer of <c>GET /api/skus?page=…</c>.</summary>
/// <param name="More">Another page follows.</param>
/// <param name="Matching">How many SKUs match the search and filter; null for a plain page, which does not read the
/// catalogue (the summary has the total).</param>
/// <param name="Token">Pass it as <c>since</c> to get what changed after this page was read.</param>
public sealed record SkuPage(IReadOnlyList<SkuStatus> Skus, int Page, int PageSize, bool More, int? Matching, string Token, OpenAlerts Alerts);

/// <summary>Answer of <c>GET /api/skus?since=…</c>: each SKU whose row changed, whole, and the token to ask with next.
/// A row changed just before the token may come again.</summary>
/// <param name="Reset">More changed than a delta carries: read the page (and the summary) again.</param>
public sealed record SkuDelta(string Token, IReadOnlyList<SkuStatus> Skus, bool Reset)
{
    /// <summary>The open alerts, when a mapping or an alert changed; null when they did not.</summary>
    public OpenAlerts? Alerts { get; init; }
}

/// <summary>Answer of <c>GET /api/skus?summary=true</c>.</summary>
/// <param name="Attention">The SKUs in a state that needs attention (pushing, drift, unmapped, oversold).</param>
public sealed record SkuSummary(int Total, IReadOnlyList<string> Attention);

/// <param name="Count">Open alerts (not acknowledged).</param>
/// <param name="Skus">The SKUs they name, each once.</param>
/// <param name="Other">Open alerts about no SKU (a channel's lag, a poison queue).</param>
public sealed record OpenAlerts(int Count, IReadOnlyList<string> Skus, int Other);

using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using FuncSync.Alerts;
using FuncSync.Catalog;
using FuncSync.Channels;
using FuncSync.Domain;
using FuncSync.Domain.Reconciliation;
using FuncSync.Domain.Text;
using FuncSync.Hosting.Storage;
using FuncSync.Json;
using FuncSync.Ledger;
using FuncSync.Push;
using FuncSync.Storage;
using FuncSync.Timeline;
using Microsoft.Extensions.Options;

namespace FuncSync.Reconciliation;

/// <summary>Reads every mapped listing's quantity on every channel, compares it with the share the push would write,
/// reports the differences, alerts on drift (and clears what no longer differs), and on request corrects drift by
/// queuing the level-triggered push, never by writing the channel itself.</summary>
public sealed class Reconciler(
    SkuMapStore map,
    LedgerStore ledger,
    PushStore pushes,
    Allocation.AllocationInForce allocations,
    IEnumerable<IChannelQuantityReader> readers,
    ReportBlobs reports,
    TimelineStore timeline,
    AlertSender alerts,
    ChannelPushSender pushQueue,
    StorageClients storage,
    StorageNames names,
    IOptions<ReconciliationOptions> options,
    IEnumerable<IChannelPoll> polls,
    TimeProvider time,
    ILogger<Reconciler> logger)
{
    /// <summary>Re-checks of a listing still short after this many polls report it as drift.</summary>
    public const int MaxRechecks = 3;

    public const string DriftKind = "drift";
    public const string PendingImportKind = "pending-import";

    /// <param name="onlySkus">A re-check of these SKUs (merged into the last report); null: every mapped SKU.</param>
    public async Task<ReconciliationReport> RunAsync(bool fix, IReadOnlySet<string>? onlySkus, int round, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var rules = settings.Rules;
        var startedAt = time.GetUtcNow();
        var mappings = new List<SkuMapping>();
        await foreach (var mapping in map.ListAsync(cancellationToken))
        {
            if (onlySkus is null || onlySkus.Contains(mapping.Sku))
            {
                mappings.Add(mapping);
            }
        }

        var shown = new Dictionary<Channel, ChannelQuantities>();
        foreach (var reader in readers)
        {
            var mapped = mappings.Where(m => m.Channels.Contains(reader.Channel)).ToList();
            if (mapped.Count > 0)
            {
                shown[reader.Channel] = await reader.ReadAsync(mapped, cancellationToken);
            }
        }

        var lastImports = new Dictionary<Channel, DateTimeOffset?>();
        foreach (var poll in polls)
        {
            lastImports[poll.Channel] = await poll.CompletedAsync(cancellationToken);
        }

        // A full run reads every stock row and every push record in two range queries, so it grows with the catalogue
        // by pages of a thousand rows, not by round trips per listing; a re-check of a few SKUs reads just those.
        var ledgerState = onlySkus is null ? await LedgerState.ReadAsync(ledger, pushes, cancellationToken) : null;
        var findings = new ConcurrentBag<Finding>();
        await Parallel.ForEachAsync(mappings, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, settings.Concurrency), CancellationToken = cancellationToken }, async (mapping, ct) =>
        {
            var stock = ledgerState?.Availability(mapping) ?? await ledger.GetAvailabilityAsync(mapping, ct);
            var shares = (await allocations.ForAsync(mapping, stock, ct)).Shares(stock.Available);
            foreach (var channel in mapping.Channels)
            {
                if (!shown.TryGetValue(channel, out var read) || !read.Shown.TryGetValue(mapping.Sku, out var actual))
                {
                    continue;
                }

                var last = ledgerState is null ? await pushes.GetAsync(mapping.Sku, channel, ct) : ledgerState.Record(mapping.Sku, channel);
                var observation = new ListingObservation(
                    shares[channel], actual.Quantity, actual.ChangedAt, lastImports.GetValueOrDefault(channel),
                    stock.UpdatedAt, last is null || last.LedgerVersion < stock.Version, startedAt);
                findings.Add(new Finding(mapping, channel, observation, rules.Classify(observation)));
            }
        });

        var discrepancies = new List<Discrepancy>();
        var rechecks = new List<string>();
        foreach (var finding in findings.OrderBy(f => f.Mapping.Sku, StringComparer.Ordinal).ThenBy(f => f.Channel))
        {
            var kind = finding.Kind == DiscrepancyKind.PendingImport && round >= MaxRechecks ? DiscrepancyKind.Drift : finding.Kind;
            if (kind == DiscrepancyKind.Drift)
            {
                var corrected = fix && await FixAsync(finding, startedAt, cancellationToken);
                discrepancies.Add(ToDiscrepancy(finding, DriftKind, corrected));
                await alerts.RaiseAsync(
                    AlertKind.Discrepancy,
                    AlertKey(finding),
                    Describe(finding, corrected),
                    finding.Mapping.Sku,
                    new AlertAdvice(finding.Channel.ToString(), corrected
                        ? $"FuncSync has set {finding.Channel} back to its share. If someone edited the quantity on {finding.Channel} on purpose, count the shelf instead, so the ledger learns the real figure."
                        : $"Check the listing on {finding.Channel}: if a sale or an edit there explains it, count the shelf so the ledger learns the real figure; otherwise run reconciliation with fix."),
                    cancellationToken);
            }
            else if (kind == DiscrepancyKind.PendingImport)
            {
                discrepancies.Add(ToDiscrepancy(finding, PendingImportKind, false));
                rechecks.Add(finding.Mapping.Sku);
            }
        }

        var previous = await reports.GetReconciliationAsync(cancellationToken);
        var found = discrepancies.Select(d => (d.Channel, d.Listing)).ToHashSet();
        foreach (var gone in previous?.Discrepancies.Where(d => onlySkus is null || onlySkus.Contains(d.Sku)) ?? [])
        {
            if (!found.Contains((gone.Channel, gone.Listing)))
            {
                await alerts.ClearAsync(AlertKind.Discrepancy, AlertKey(gone.Channel, gone.Listing), cancellationToken);
            }
        }

        if (rechecks.Count > 0)
        {
            await ScheduleRecheckAsync(rechecks, round + 1, cancellationToken);
        }

        await timeline.AppendManyAsync(findings.Select(f => (f.Mapping.Sku, Reconciled(f, startedAt, discrepancies))), cancellationToken);
        var kept = onlySkus is null ? [] : previous?.Discrepancies.Where(d => !onlySkus.Contains(d.Sku)) ?? [];
        var report = new ReconciliationReport(
            startedAt,
            time.GetUtcNow(),
            findings.Count,
            [.. kept.Concat(discrepancies)],
            shown.ToDictionary(s => s.Key, s => s.Value.Requests));
        await reports.SaveReconciliationAsync(report, cancellationToken);
        logger.LogInformation(
            "Reconciled {Checked} listings in {Elapsed}: {Drift} drifted ({Fixed} fixed), {Pending} pending import",
            report.Checked, HumanDuration.Format(report.FinishedAt - report.StartedAt), discrepancies.Count(d => d.Kind == DriftKind), discrepancies.Count(d => d.Fixed), rechecks.Count);
        return report;
    }

    /// <summary>Tells the push what the channel really shows and queues it: the push then re-derives the share and
    /// writes it, with its usual compare-and-set and decrease-first rules.</summary>
    private async Task<bool> FixAsync(Finding finding, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await pushes.RecordObservedAsync(finding.Mapping.Sku, finding.Channel, finding.Observation.Actual, at, cancellationToken);
        await pushQueue.SendAsync(new SyncListing(finding.Mapping.Sku, finding.Channel), cancellationToken);
        return true;
    }

    /// <summary>After two poll intervals at the longest, at least one poll has run since.</summary>
    private async Task ScheduleRecheckAsync(IReadOnlyList<string> skus, int round, CancellationToken cancellationToken)
    {
        var delay = 2 * polls.Select(p => p.LongestInterval).DefaultIfEmpty(TimeSpan.FromMinutes(1)).Max();
        var message = JsonSerializer.Serialize(new ReconciliationRecheckDue([.. skus.Distinct(StringComparer.Ordinal)], round), FuncSyncJson.Default.ReconciliationRecheckDue);
        await storage.Queue(names.ReconcileRechecksQueue).SendMessageAsync(message, visibilityTimeout: delay, cancellationToken: cancellationToken);
    }

    private static TimelineEntry Reconciled(Finding finding, DateTimeOffset at, List<Discrepancy> discrepancies)
    {
        var listing = finding.Mapping.ListingOn(finding.Channel).Key;
        var reported = discrepancies.FirstOrDefault(d => d.Channel == finding.Channel && d.Listing == listing);
        var status = reported?.Kind ?? "ok";
        var detail = string.Create(CultureInfo.InvariantCulture, $"expected {finding.Observation.Expected}, {finding.Channel} shows {finding.Observation.Actual}{(reported?.Fixed == true ? "; push queued" : string.Empty)}");
        return new TimelineEntry(at, TimelineSteps.Reconciled, finding.Channel, null, detail, status, null, null, null);
    }

    private static Discrepancy ToDiscrepancy(Finding finding, string kind, bool corrected) =>
        new(finding.Mapping.Sku, finding.Channel, finding.Mapping.ListingOn(finding.Channel).Key, finding.Observation.Expected, finding.Observation.Actual, kind, corrected);

    private static string AlertKey(Finding finding) => AlertKey(finding.Channel, finding.Mapping.ListingOn(finding.Channel).Key);

    private static string AlertKey(Channel channel, string listing) => $"discrepancy:{channel}:{listing}";

    private static string Describe(Finding finding, bool corrected) => string.Create(
        CultureInfo.InvariantCulture,
        $"{finding.Channel} listing {finding.Mapping.ListingOn(finding.Channel).Key} ({finding.Mapping.Sku}) shows {finding.Observation.Actual}; FuncSync expects {finding.Observation.Expected}. {(corrected ? "A push was queued to correct it." : "Run POST /api/reconcile?fix=true to correct it.")}");

    private sealed record Finding(SkuMapping Mapping, Channel Channel, ListingObservation Observation, DiscrepancyKind Kind);

    /// <summary>Every stock row and push record of the shop, read by range.</summary>
    private sealed class LedgerState(IReadOnlyDictionary<string, StockRow> stock, IReadOnlyDictionary<(string Sku, Channel Channel), PushRecord> records)
    {
        public static async Task<LedgerState> ReadAsync(LedgerStore ledger, PushStore pushes, CancellationToken cancellationToken)
        {
            var stock = ledger.ListStockAsync(cancellationToken);
            var records = pushes.ListAllAsync(cancellationToken);
            return new LedgerState(await stock, (await records).ToDictionary(r => (r.Sku, r.Channel)));
        }

        public SkuAvailability Availability(SkuMapping mapping) =>
            LedgerStore.Availability(mapping, sku => stock.GetValueOrDefault(sku) ?? LedgerStore.NoStock(sku));

        public PushRecord? Record(string sku, Channel channel) => records.GetValueOrDefault((sku, channel));
    }
}

using System.Globalization;
using FuncSync.Catalog;
using FuncSync.Json;
using FuncSync.Ledger;
using FuncSync.Skus;
using Microsoft.Azure.Functions.Worker;

namespace FuncSync.Timeline;

/// <summary><c>GET /api/skus/{sku}/timeline?limit=100</c>: the one place to answer "why was this oversold?". Each
/// ledger change (from the audit rows the history shows) becomes its sale on the channel, its receipt and its commit;
/// beside them every push attempt, acceptance, failure, read-back and reconciliation; all in time order.</summary>
public sealed class SkuTimelineFunction(SkuMapStore map, LedgerStore ledger, TimelineStore timeline)
{
    public const string Name = "GetSkuTimeline";
    public const string Route = "skus/{sku}/timeline";

    private const int DefaultLimit = 100;
    private const int MaxLimit = 500;

    [Function(Name)]
    public Task<IResult> GetAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = Route)] HttpRequest request, string sku, CancellationToken cancellationToken) =>
        AdminRequests.QueryInt(request, "limit", out var limit) is { } error
            ? Task.FromResult<IResult>(Results.Json(new ProblemBody(error), FuncSyncJson.Default.ProblemBody, statusCode: StatusCodes.Status400BadRequest))
            : GetAsync(sku, limit, cancellationToken);

    public async Task<IResult> GetAsync(string sku, int? limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return Results.Json(new ProblemBody($"limit must be between 1 and {MaxLimit}."), FuncSyncJson.Default.ProblemBody, statusCode: StatusCodes.Status400BadRequest);
        }

        if (await map.GetAsync(sku, cancellationToken) is not { } mapping)
        {
            return Results.Json(new ProblemBody($"No SKU {sku} is in the SKU map."), FuncSyncJson.Default.ProblemBody, statusCode: StatusCodes.Status404NotFound);
        }

        var count = limit ?? DefaultLimit;
        var entries = new List<TimelineEntry>();
        foreach (var stockSku in mapping.IsComposed ? mapping.Parts.Select(p => p.Sku).Distinct(StringComparer.Ordinal) : [sku])
        {
            var page = await ledger.GetHistoryAsync(stockSku, count, null, cancellationToken);
            entries.AddRange(page.Entries.SelectMany(e => FromHistory(e, mapping.IsComposed ? stockSku : null)));
        }

        entries.AddRange(await timeline.ListAsync(sku, count, cancellationToken));
        var ordered = entries.OrderBy(e => e.At).ThenBy(e => Order(e.Step)).ToList();
        return Results.Json(new SkuTimeline(sku, ordered.Count > count * 3 ? ordered[^(count * 3)..] : ordered), FuncSyncJson.Default.SkuTimeline);
    }

    /// <summary>A change that came from a channel was a sale (or cancellation, return) there, then received, then committed;
    /// a person's change is only committed.</summary>
    private static IEnumerable<TimelineEntry> FromHistory(HistoryEntry change, string? part)
    {
        var kind = change.Kind.ToString().ToLowerInvariant();
        if (change.Channel is { } channel)
        {
            yield return new TimelineEntry(change.OccurredAt, TimelineSteps.Sale, channel, change.EventId,
                $"{kind} on {channel}{(change.Reference is null ? string.Empty : $" ({change.Reference})")}", null, null, null, null);
            yield return new TimelineEntry(change.ReceivedAt, TimelineSteps.Received, channel, change.EventId,
                string.Create(CultureInfo.InvariantCulture, $"{(change.ReceivedAt - change.OccurredAt).TotalMilliseconds:F0} ms after it happened"), null, null, null, null);
        }

        var what = string.Create(CultureInfo.InvariantCulture, $"{kind} {change.Delta:+0;-0;0}: {change.Before} -> {change.After}");
        var detail = $"{what}{(part is null ? string.Empty : $" ({part})")}{(change.Reason is null ? string.Empty : $", {change.Reason}")} by {change.Source}";
        // The three figures after the change, so "why was this oversold?" reads the shelf beside the story.
        yield return new TimelineEntry(change.CommittedAt, TimelineSteps.Committed, change.Channel, change.EventId, detail, "applied", null, null, null)
        {
            OnHand = change.OnHand,
            Committed = change.Committed,
            Available = change.After,
        };
    }

    private static int Order(string step) => step switch
    {
        TimelineSteps.Sale => 0,
        TimelineSteps.Received => 1,
        TimelineSteps.Committed => 2,
        TimelineSteps.PushAttempt => 3,
        TimelineSteps.PushFailed => 4,
        TimelineSteps.PushAccepted => 5,
        TimelineSteps.Seen => 6,
        _ => 7,
    };
}

/// <summary>What <c>GET /api/skus/{sku}/timeline</c> answers (a contract the dashboard reads).</summary>
public sealed record SkuTimeline(string Sku, IReadOnlyList<TimelineEntry> Entries);

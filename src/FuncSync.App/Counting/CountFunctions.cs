using System.Globalization;
using System.Text.Json;
using CsvHelper;
using FuncSync.Catalog;
using FuncSync.Domain.Counting;
using FuncSync.Forecasting;
using FuncSync.Json;
using FuncSync.Ledger;
using FuncSync.Skus;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace FuncSync.Counting;

/// <summary>Cycle counts: rounds of SKUs to count (named SKUs, a tag, or the week's rotating list), the counts they
/// found, the seller's reason for a difference, and shrinkage per month. Counts themselves are entered through
/// <c>PUT /api/skus/{sku}/count</c> (with <c>"round"</c>), so the ledger stays the one record of stock.</summary>
public sealed class CountFunctions(CountStore store, SkuMapStore map, LedgerStore ledger, IOptions<ForecastingOptions> forecasting, TimeProvider time)
{
    public const string ListRoundsName = "ListCountRounds";
    public const string AddRoundName = "AddCountRound";
    public const string GetRoundName = "GetCountRound";
    public const string ListCountsName = "ListCounts";
    public const string ReviewName = "ReviewCount";
    public const string ShrinkageName = "GetShrinkage";
    public const string ShrinkageCsvName = "GetShrinkageCsv";
    public const string RoundsRoute = "counts/rounds";
    public const string RoundRoute = "counts/rounds/{id}";
    public const string CountsRoute = "counts";
    public const string ReviewRoute = "counts/{id}/review";
    public const string ShrinkageRoute = "counts/shrinkage";
    public const string ShrinkageCsvRoute = "counts/shrinkage.csv";

    /// <summary>A round is a morning's work, not the catalogue: a bigger list is a mistake.</summary>
    public const int MaxSkusPerRound = 500;

    /// <summary>How far back the shrinkage report and the list of counts look by default.</summary>
    public const int DefaultMonths = 12;

    private static readonly string[] ShrinkageColumns = ["month", "counts", "expected_units", "counted_units", "shrinkage_units", "shrinkage_percent", "shrinkage_value", "counts_without_cost", "by_reason"];

    private static readonly string[] CountColumns = ["counted_at", "sku", "expected", "counted", "variance", "variance_percent", "needs_review", "reason", "note", "reviewed_by", "unit_cost", "round"];

    [Function(ListRoundsName)]
    public async Task<IResult> ListRoundsAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = RoundsRoute)] HttpRequest request, CancellationToken cancellationToken) =>
        Results.Json(new CountRoundList(await store.ListRoundsAsync(cancellationToken)), FuncSyncJson.Default.CountRoundList);

    [Function(AddRoundName)]
    public async Task<IResult> AddRoundAsync([HttpTrigger(AuthorizationLevel.Function, "post", Route = RoundsRoute)] HttpRequest request, CancellationToken cancellationToken)
    {
        var (body, error) = await AdminRequests.ReadObjectAsync(request, cancellationToken);
        if (error is not null)
        {
            return Problem(StatusCodes.Status400BadRequest, error);
        }

        var now = time.GetUtcNow();
        var (name, nameError) = AdminRequests.Text(body, "name", maxLength: 100);
        var (by, byError) = AdminRequests.Text(body, "by", required: true, maxLength: 100);
        var (tag, tagError) = AdminRequests.Text(body, "tag", maxLength: SkuTags.MaxLength);
        var (week, weekError) = AdminRequests.Text(body, "week", maxLength: 8);
        var (skus, skusError) = Strings(body, "skus");
        error = nameError ?? byError ?? tagError ?? weekError ?? skusError;
        var sources = (skus.Count > 0 ? 1 : 0) + (string.IsNullOrEmpty(tag) ? 0 : 1) + (string.IsNullOrEmpty(week) ? 0 : 1);
        if (error is null && sources != 1)
        {
            error = "A round takes exactly one of skus, tag or week (\"2026-W49\", or \"this\" for the current week).";
        }

        if (string.Equals(week, "this", StringComparison.OrdinalIgnoreCase))
        {
            week = WeeklyCountList.WeekOf(now);
        }

        if (error is null && !string.IsNullOrEmpty(week) && !WeeklyCountList.TryParse(week, out _, out _))
        {
            error = $"week must be an ISO week such as 2026-W49, or \"this\"; got {week}.";
        }

        if (error is not null)
        {
            return Problem(StatusCodes.Status400BadRequest, error);
        }

        var countable = new List<SkuMapping>();
        await foreach (var mapping in map.ListAsync(cancellationToken))
        {
            // A bundle or made-to-order piece has no shelf of its own: its components are counted.
            if (!mapping.IsComposed && mapping.MadeToOrder is null)
            {
                countable.Add(mapping);
            }
        }

        IReadOnlyList<string> chosen;
        string source;
        if (skus.Count > 0)
        {
            var known = countable.Select(m => m.Sku).ToHashSet(StringComparer.Ordinal);
            if (skus.FirstOrDefault(s => !known.Contains(s)) is { } unknown)
            {
                return Problem(StatusCodes.Status400BadRequest, $"skus: {unknown} is not a SKU with a shelf of its own in the SKU map (bundles and made-to-order pieces are counted through their components).");
            }

            (chosen, source) = (skus, "skus");
        }
        else if (!string.IsNullOrEmpty(tag))
        {
            (chosen, source) = ([.. countable.Where(m => m.Tags.Contains(tag, StringComparer.OrdinalIgnoreCase)).Select(m => m.Sku).Order(StringComparer.Ordinal)], "tag");
            if (chosen.Count == 0)
            {
                return Problem(StatusCodes.Status400BadRequest, $"No SKU with a shelf of its own carries the tag {tag}.");
            }
        }
        else
        {
            (chosen, source) = (await WeekListAsync(week!, countable, now, cancellationToken), "week");
            week = week!.ToUpperInvariant();
        }

        if (chosen.Count > MaxSkusPerRound)
        {
            return Problem(StatusCodes.Status400BadRequest, $"A round holds at most {MaxSkusPerRound} SKUs; this one would hold {chosen.Count}.");
        }

        var round = new CountRound(
            Guid.NewGuid().ToString("N"),
            string.IsNullOrWhiteSpace(name) ? DefaultName(source, tag, week, chosen) : name,
            chosen,
            source,
            source == "tag" ? tag : null,
            source == "week" ? week : null,
            by!,
            now);
        await store.AddRoundAsync(round, cancellationToken);
        return Results.Json(await ViewAsync(round, cancellationToken), FuncSyncJson.Default.CountRoundView, statusCode: StatusCodes.Status201Created);
    }

    [Function(GetRoundName)]
    public async Task<IResult> GetRoundAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = RoundRoute)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        await store.GetRoundAsync(id, cancellationToken) is { } round
            ? Results.Json(await ViewAsync(round, cancellationToken), FuncSyncJson.Default.CountRoundView)
            : Problem(StatusCodes.Status404NotFound, $"No counting round {id}.");

    /// <summary><c>GET /api/counts?months=12&amp;review=true</c>: counts, newest first; with review, only those flagged
    /// and not yet explained.</summary>
    [Function(ListCountsName)]
    public async Task<IResult> ListCountsAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = CountsRoute)] HttpRequest request, CancellationToken cancellationToken)
    {
        if (Months(request, out var months) is { } error)
        {
            return Problem(StatusCodes.Status400BadRequest, error);
        }

        var review = string.Equals(request.Query["review"].ToString(), "true", StringComparison.OrdinalIgnoreCase);
        var counts = (await RecentAsync(months, cancellationToken)).Where(c => !review || c.AwaitingReview).Reverse().ToList();
        if (string.Equals(request.Query["format"].ToString(), "csv", StringComparison.OrdinalIgnoreCase))
        {
            return CsvReport.File("counts.csv", CountColumns, csv => WriteCounts(csv, counts));
        }

        return Results.Json(new CountRecordList(counts, CountReasons.All), FuncSyncJson.Default.CountRecordList);
    }

    [Function(ReviewName)]
    public async Task<IResult> ReviewAsync([HttpTrigger(AuthorizationLevel.Function, "post", Route = ReviewRoute)] HttpRequest request, string id, CancellationToken cancellationToken)
    {
        var (body, error) = await AdminRequests.ReadObjectAsync(request, cancellationToken);
        if (error is not null)
        {
            return Problem(StatusCodes.Status400BadRequest, error);
        }

        var (reason, reasonError) = AdminRequests.Text(body, "reason", CountReasons.All, required: true);
        var (note, noteError) = AdminRequests.Text(body, "note", maxLength: 500);
        var (by, byError) = AdminRequests.Text(body, "by", required: true, maxLength: 100);
        if ((reasonError ?? noteError ?? byError) is { } invalid)
        {
            return Problem(StatusCodes.Status400BadRequest, invalid);
        }

        var existing = await store.GetAsync(id, cancellationToken);
        if (existing is null)
        {
            return Problem(StatusCodes.Status404NotFound, $"No count {id}.");
        }

        if (existing.Variance == 0)
        {
            return Problem(StatusCodes.Status400BadRequest, $"The count of {existing.Sku} found what the ledger expected: there is no difference to explain.");
        }

        var (record, reviewed) = await store.ReviewAsync(id, reason!, string.IsNullOrEmpty(note) ? null : note, by!, time.GetUtcNow(), cancellationToken);
        return reviewed
            ? Results.Json(record!, FuncSyncJson.Default.CountRecord)
            : Problem(StatusCodes.Status409Conflict, $"The count of {existing.Sku} was reviewed already ({record?.Reason}, by {record?.ReviewedBy}); count again to record a new finding.");
    }

    [Function(ShrinkageName)]
    public async Task<IResult> ShrinkageAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = ShrinkageRoute)] HttpRequest request, CancellationToken cancellationToken)
    {
        if (Months(request, out var months) is { } error)
        {
            return Problem(StatusCodes.Status400BadRequest, error);
        }

        var counts = await RecentAsync(months, cancellationToken);
        return Results.Json(new ShrinkageList(ShrinkageReport.Monthly(counts.Select(c => c.ForReport())), counts.Any(c => c.UnitCost is not null)), FuncSyncJson.Default.ShrinkageList);
    }

    [Function(ShrinkageCsvName)]
    public async Task<IResult> ShrinkageCsvAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = ShrinkageCsvRoute)] HttpRequest request, CancellationToken cancellationToken)
    {
        if (Months(request, out var months) is { } error)
        {
            return Problem(StatusCodes.Status400BadRequest, error);
        }

        var report = ShrinkageReport.Monthly((await RecentAsync(months, cancellationToken)).Select(c => c.ForReport()));
        return CsvReport.File("shrinkage.csv", ShrinkageColumns, csv =>
        {
            foreach (var month in report)
            {
                csv.WriteField(month.Month);
                csv.WriteField(month.Counts);
                csv.WriteField(month.Expected);
                csv.WriteField(month.Counted);
                csv.WriteField(month.Shrinkage);
                csv.WriteField(month.Percent is { } p ? (p * 100).ToString("0.##", CultureInfo.InvariantCulture) : string.Empty);
                csv.WriteField(month.Value?.ToString("0.00", CultureInfo.InvariantCulture) ?? string.Empty);
                csv.WriteField(month.Uncosted);
                csv.WriteField(string.Join(';', month.ByReason.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Key}:{r.Value}"))));
                csv.NextRecord();
            }
        });
    }

    private async Task<CountRoundView> ViewAsync(CountRound round, CancellationToken cancellationToken)
    {
        var stock = await ledger.ListStockAsync(cancellationToken);
        var counts = (await store.ListForRoundAsync(round.Id, cancellationToken))
            .GroupBy(c => c.Sku, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.MaxBy(c => c.Id, StringComparer.Ordinal)!, StringComparer.Ordinal);
        var lines = new List<CountRoundLine>();
        foreach (var sku in round.Skus)
        {
            var mapping = await map.GetAsync(sku, cancellationToken);
            lines.Add(new CountRoundLine(sku, mapping?.Title ?? string.Empty, stock.TryGetValue(sku, out var row) ? row.Level.OnHand : 0, counts.GetValueOrDefault(sku)));
        }

        return new CountRoundView(round, lines, lines.Count(l => l.Count is not null), lines.Count(l => l.Count is { AwaitingReview: true }));
    }

    private async Task<IReadOnlyList<string>> WeekListAsync(string week, IReadOnlyList<SkuMapping> countable, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var stock = await ledger.ListStockAsync(cancellationToken);
        var decay = forecasting.Value.Decay;

        // A SKU without a cost is valued at the average of those with one, so that one cost set does not make it the
        // shop's only valuable item; with no costs at all, the value is the units on the shelf.
        var costs = countable.Where(m => m.UnitCost is not null).Select(m => (double)m.UnitCost!.Value).ToList();
        var usual = costs.Count > 0 ? costs.Average() : 1;
        var candidates = countable.Select(m =>
        {
            var row = stock.GetValueOrDefault(m.Sku);
            var onHand = Math.Max(0, row?.Level.OnHand ?? 0);
            return new CountCandidate(m.Sku, row?.Sales.PerDay(now, decay) ?? 0, onHand * ((double?)m.UnitCost ?? usual));
        }).ToList();
        return WeeklyCountList.For(week, candidates);
    }

    private async Task<IReadOnlyList<CountRecord>> RecentAsync(int months, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var from = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1 - months);
        return await store.ListAsync(from, now.AddDays(1), cancellationToken);
    }

    private static string? Months(HttpRequest request, out int months)
    {
        var error = AdminRequests.QueryInt(request, "months", out var value);
        months = value ?? DefaultMonths;
        return error ?? (months is < 1 or > 120 ? "months must be between 1 and 120." : null);
    }

    private static string DefaultName(string source, string? tag, string? week, IReadOnlyList<string> skus) => source switch
    {
        "tag" => $"Tag {tag}",
        "week" => $"Count of {week}",
        _ => skus.Count == 1 ? skus[0] : $"{skus[0]} and {skus.Count - 1} more",
    };

    private static void WriteCounts(CsvWriter csv, IReadOnlyList<CountRecord> counts)
    {
        foreach (var c in counts)
        {
            csv.WriteField(c.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            csv.WriteField(CsvReport.Cell(c.Sku));
            csv.WriteField(c.Expected);
            csv.WriteField(c.Counted);
            csv.WriteField(c.Variance);
            csv.WriteField(c.VariancePercent is { } p ? (p * 100).ToString("0.##", CultureInfo.InvariantCulture) : string.Empty);
            csv.WriteField(c.NeedsReview ? "yes" : "no");
            csv.WriteField(c.Reason ?? string.Empty);
            csv.WriteField(CsvReport.Cell(c.ReviewNote));
            csv.WriteField(CsvReport.Cell(c.ReviewedBy));
            csv.WriteField(c.UnitCost?.ToString(CultureInfo.InvariantCulture) ?? string.Empty);
            csv.WriteField(c.Round ?? string.Empty);
            csv.NextRecord();
        }
    }

    private static (IReadOnlyList<string> Values, string? Error) Strings(JsonElement body, string field)
    {
        if (!body.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return ([], null);
        }

        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(e.GetString())))
        {
            return ([], $"{field} must be an array of non-empty strings.");
        }

        return ([.. value.EnumerateArray().Select(e => e.GetString()!.Trim()).Distinct(StringComparer.Ordinal)], null);
    }

    private static IResult Problem(int status, string error) => Results.Json(new ProblemBody(error), FuncSyncJson.Default.ProblemBody, statusCode: status);
}

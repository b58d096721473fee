using System.Globalization;
using FuncSync.Catalog;
using FuncSync.Domain.Costing;
using FuncSync.Json;
using FuncSync.Ledger;
using FuncSync.Skus;
using Microsoft.Azure.Functions.Worker;

namespace FuncSync.Margins;

/// <summary>Cost and margin per product and month: units sold through the channels, what the buyers paid, what
/// cancellations and returns gave back, the cost of goods from the SKU map's unit costs, and what oversells cost as the
/// oversell calculator reckons it. JSON for the dashboard, CSV for a spreadsheet.</summary>
public sealed class MarginFunctions(LedgerStore ledger, SkuMapStore map, TimeProvider time)
{
    public const string GetName = "GetMargins";
    public const string CsvName = "GetMarginsCsv";
    public const string Route = "margins";
    public const string CsvRoute = "margins.csv";

    /// <summary>How many months back the report looks by default, this one included.</summary>
    public const int DefaultMonths = 12;

    private static readonly string[] Columns =
    [
        "month", "sku", "title", "currency", "units_sold", "units_cancelled_or_returned", "net_units", "revenue", "refunded", "net_revenue",
        "unit_cost", "cost_of_goods", "oversold_units", "oversell_cost", "margin", "margin_percent",
    ];

    [Function(GetName)]
    public async Task<IResult> GetAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = Route)] HttpRequest request, CancellationToken cancellationToken)
    {
        var (question, error) = Question(request);
        return error is not null
            ? Problem(error)
            : Results.Json(await ReportAsync(question!, cancellationToken), FuncSyncJson.Default.MarginList);
    }

    [Function(CsvName)]
    public async Task<IResult> CsvAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = CsvRoute)] HttpRequest request, CancellationToken cancellationToken)
    {
        var (question, error) = Question(request);
        if (error is not null)
        {
            return Problem(error);
        }

        var report = await ReportAsync(question!, cancellationToken);
        return CsvReport.File("margins.csv", Columns, csv =>
        {
            foreach (var row in report.Rows)
            {
                csv.WriteField(row.Month);
                csv.WriteField(CsvReport.Cell(row.Sku));
                csv.WriteField(CsvReport.Cell(row.Title));
                csv.WriteField(row.Currency ?? string.Empty);
                csv.WriteField(row.UnitsSold);
                csv.WriteField(row.UnitsBack);
                csv.WriteField(row.NetUnits);
                csv.WriteField(Amount(row.Currency is null ? null : row.Revenue));
                csv.WriteField(Amount(row.Currency is null ? null : row.Refunded));
                csv.WriteField(Amount(row.Currency is null ? null : row.NetRevenue));
                csv.WriteField(Amount(row.UnitCost));
                csv.WriteField(Amount(row.CostOfGoods));
                csv.WriteField(row.Oversold);
                csv.WriteField(Amount(row.OversellLoss));
                csv.WriteField(Amount(row.Margin));
                csv.WriteField(row.MarginPercent?.ToString("0.0", CultureInfo.InvariantCulture) ?? string.Empty);
                csv.NextRecord();
            }
        });
    }

    private async Task<MarginList> ReportAsync(MarginQuestion question, CancellationToken cancellationToken)
    {
        var from = OrderLines.Month(time.GetUtcNow().AddMonths(1 - question.Months));
        var linesTask = ledger.ListOrderLinesAsync(from, cancellationToken);
        var mappings = new List<SkuMapping>();
        await foreach (var mapping in map.ListAsync(cancellationToken))
        {
            mappings.Add(mapping);
        }

        var costs = SkuCosts.Of(mappings);
        var skus = mappings.ToDictionary(m => m.Sku, m => new MarginSku(m.Title, costs[m.Sku], m.MadeToOrder is not null), StringComparer.Ordinal);
        var (sold, restocked) = await linesTask;
        var rows = MarginReport.Monthly(sold, restocked, sku => skus.GetValueOrDefault(sku), question.Costs);
        return new MarginList(rows, question.Costs, question.Months);
    }

    private static (MarginQuestion? Question, string? Error) Question(HttpRequest request)
    {
        var error = AdminRequests.QueryInt(request, "months", out var months);
        if (error is null && months is < 1 or > 120)
        {
            error = "months must be between 1 and 120.";
        }

        var defaults = OversellCosts.Default;
        var costs = new OversellCosts(
            Number(request, "feesNotRefundedPercent", defaults.FeesNotRefundedPercent, ref error),
            Number(request, "supportMinutes", defaults.SupportMinutes, ref error),
            Number(request, "supportHourlyRate", defaults.SupportHourlyRate, ref error),
            Number(request, "reputationCost", defaults.ReputationCost, ref error));
        error ??= costs.Validate();
        return error is null ? (new MarginQuestion(months ?? DefaultMonths, costs), null) : (null, error);
    }

    private static decimal Number(HttpRequest request, string name, decimal fallback, ref string? error)
    {
        var text = request.Query[name].ToString();
        if (text.Length == 0)
        {
            return fallback;
        }

        if (decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        error ??= $"{name} must be a number such as 12.5 (a point for decimals).";
        return fallback;
    }

    private static string Amount(decimal? value) => value?.ToString("0.00", CultureInfo.InvariantCulture) ?? string.Empty;

    private static IResult Problem(string error) =>
        Results.Json(new ProblemBody(error), FuncSyncJson.Default.ProblemBody, statusCode: StatusCodes.Status400BadRequest);

    private sealed record MarginQuestion(int Months, OversellCosts Costs);
}

/// <summary>Answer of <c>GET /api/margins</c>: a row per product, month and currency, newest month first, and the
/// figures the oversells were costed with.</summary>
public sealed record MarginList(IReadOnlyList<MarginRow> Rows, OversellCosts OversellCosts, int Months);

using FuncSync.Json;
using Microsoft.Azure.Functions.Worker;

namespace FuncSync.Skus;

/// <summary><c>GET /api/skus</c>. With no parameters, every SKU (the answer the CLI reads). With <c>page</c>,
/// <c>pageSize</c>, <c>q</c>, <c>filter</c> (<c>problems</c> or <c>low</c>) and <c>threshold</c>, a page of the grid
/// and a change token; with <c>since=TOKEN</c>, only the rows changed since then and the next token; with
/// <c>summary=true</c>, how many SKUs there are and which need attention.</summary>
public sealed class SkuListFunction(SkuStatusFunction status, SkuGrid grid)
{
    private const int DefaultPageSize = 100;
    private const int MaxPage = 10_000;
    private const int MaxTextLength = 100;
    private static readonly string[] PageParameters = ["page", "pageSize", "q", "filter", "threshold"];

    [Function(SkuStatusFunction.ListName)]
    public async Task<IResult> ListAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = SkuStatusFunction.ListRoute)] HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var query = request.Query;
        var paged = PageParameters.Any(query.ContainsKey);
        if (query.ContainsKey("since"))
        {
            if (paged || query.ContainsKey("summary"))
            {
                return Problem("since asks for changes only: it does not go with page, pageSize, q, filter, threshold or summary.");
            }

            return GridToken.TryParse(query["since"].ToString(), out var since)
                ? Results.Json(await grid.ChangesAsync(since, cancellationToken), FuncSyncJson.Default.SkuDelta)
                : Problem("since must be the token of an earlier answer.");
        }

        if (query.ContainsKey("summary"))
        {
            return query["summary"] == "true" && !paged
                ? Results.Json(await grid.SummaryAsync(cancellationToken), FuncSyncJson.Default.SkuSummary)
                : Problem("summary takes the value true and no other parameter.");
        }

        if (!paged)
        {
            return Results.Json(await status.ListAsync(cancellationToken), FuncSyncJson.Default.SkuList);
        }

        var (page, error) = ParsePage(request);
        return error is null
            ? Results.Json(await grid.PageAsync(page!, cancellationToken), FuncSyncJson.Default.SkuPage)
            : Problem(error);
    }

    private static (SkuGridQuery? Query, string? Error) ParsePage(HttpRequest request)
    {
        var pageError = AdminRequests.QueryInt(request, "page", out var page);
        var sizeError = AdminRequests.QueryInt(request, "pageSize", out var pageSize);
        var thresholdError = AdminRequests.QueryInt(request, "threshold", out var threshold);
        if ((pageError ?? sizeError ?? thresholdError) is { } error)
        {
            return (null, error);
        }

        var text = request.Query["q"].ToString().Trim();
        var filter = request.Query["filter"].ToString();
        return (page, pageSize, threshold) switch
        {
            ({ } p, _, _) when p is < 1 or > MaxPage => (null, $"page must be between 1 and {MaxPage}."),
            (_, { } s, _) when s is < 1 or > SkuGrid.MaxPageSize => (null, $"pageSize must be between 1 and {SkuGrid.MaxPageSize}."),
            (_, _, { } t) when t < 0 || t > AdminRequests.Max => (null, $"threshold must be between 0 and {AdminRequests.Max}."),
            _ when text.Length > MaxTextLength => (null, $"q is longer than {MaxTextLength} characters."),
            _ when filter.Length > 0 && !SkuGridQuery.Filters.Contains(filter) => (null, $"filter must be one of {string.Join(", ", SkuGridQuery.Filters)}."),
            _ when threshold is not null && filter != "low" => (null, "threshold goes with filter=low."),
            _ => (new SkuGridQuery(page ?? 1, pageSize ?? DefaultPageSize, text.Length == 0 ? null : text, filter.Length == 0 ? null : filter, threshold ?? 0), null),
        };
    }

    private static IResult Problem(string error) =>
        Results.Json(new ProblemBody(error), FuncSyncJson.Default.ProblemBody, statusCode: StatusCodes.Status400BadRequest);
}

using FuncSync.Json;
using Microsoft.Azure.Functions.Worker;

namespace FuncSync.Alerts;

/// <summary><c>GET /api/alerts?status=open|acknowledged|resolved|all</c> (default open and acknowledged;
/// open first, newest first) and <c>POST /api/alerts/{id}/acknowledge</c>.</summary>
public sealed class AlertApiFunctions(AlertStore store, TimeProvider time)
{
    public const string ListName = "ListAlerts";
    public const string ListRoute = "alerts";
    public const string AcknowledgeName = "AcknowledgeAlert";
    public const string AcknowledgeRoute = "alerts/{id}/acknowledge";

    [Function(ListName)]
    public Task<IResult> ListAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = ListRoute)] HttpRequest request, CancellationToken cancellationToken) =>
        ListAsync(request.Query["status"].ToString(), cancellationToken);

    public async Task<IResult> ListAsync(string? status, CancellationToken cancellationToken)
    {
        Func<string, bool>? include = status switch
        {
            null or "" => s => s != AlertStatus.Resolved,
            "all" => _ => true,
            AlertStatus.Open or AlertStatus.Acknowledged or AlertStatus.Resolved => s => s == status,
            _ => null,
        };
        if (include is null)
        {
            return Problem(StatusCodes.Status400BadRequest, "status must be open, acknowledged, resolved or all.");
        }

        var alerts = (await store.ListAsync(cancellationToken))
            .Where(a => include(a.Status))
            .OrderBy(a => AlertStatus.Rank(a.Status))
            .ThenByDescending(a => a.LastRaisedAt)
            .ToList();
        return Results.Json(new AlertList(alerts), FuncSyncJson.Default.AlertList);
    }

    [Function(AcknowledgeName)]
    public Task<IResult> AcknowledgeAsync([HttpTrigger(AuthorizationLevel.Function, "post", Route = AcknowledgeRoute)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        AcknowledgeAsync(id, cancellationToken);

    public async Task<IResult> AcknowledgeAsync(string id, CancellationToken cancellationToken) =>
        await store.AcknowledgeAsync(id, time.GetUtcNow(), cancellationToken) is { } alert
            ? Results.Json(alert, FuncSyncJson.Default.AlertView)
            : Problem(StatusCodes.Status404NotFound, "No alert has that id.");

    private static IResult Problem(int status, string error) => Results.Json(new ProblemBody(error), FuncSyncJson.Default.ProblemBody, statusCode: status);
}

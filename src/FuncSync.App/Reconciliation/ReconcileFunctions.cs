using System.Text.Json;
using FuncSync.Json;
using FuncSync.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace FuncSync.Reconciliation;

/// <summary>Timer <c>Reconcile</c>: the daily run; corrects drift only with <c>Reconciliation__AutoFix=true</c>.</summary>
public sealed class ReconcileFunction(Reconciler reconciler, IOptions<ReconciliationOptions> options)
{
    public const string Name = "Reconcile";

    [Function(Name)]
    public Task RunAsync([TimerTrigger("%" + ReconciliationOptions.ScheduleSetting + "%")] TimerInfo timer, CancellationToken cancellationToken) =>
        reconciler.RunAsync(options.Value.AutoFix, null, 0, cancellationToken);
}

/// <summary>Queue function on <c>reconcile-rechecks</c>: listings a run found short, checked again once a poll has run.
/// Still short with the poll done means drift.</summary>
public sealed class ReconcileRecheckFunction(Reconciler reconciler, IOptions<ReconciliationOptions> options)
{
    public const string Name = "ReconcileRecheck";

    [Function(Name)]
    public async Task RunAsync([QueueTrigger(StorageNames.ReconcileRechecks, Connection = StorageNames.Connection)] string message, CancellationToken cancellationToken)
    {
        var due = JsonSerializer.Deserialize(message, FuncSyncJson.Default.ReconciliationRecheckDue)
            ?? throw new InvalidDataException("The re-check message is empty.");
        await reconciler.RunAsync(options.Value.AutoFix, due.Skus.ToHashSet(StringComparer.Ordinal), due.Round, cancellationToken);
    }
}

/// <summary><c>POST /api/reconcile?fix=true|false</c> runs reconciliation now and answers its report;
/// <c>GET /api/reconcile/last</c> answers the last one.</summary>
public sealed class ReconcileHttpFunctions(Reconciler reconciler, ReportBlobs reports)
{
    public const string RunName = "RunReconciliation";
    public const string RunRoute = "reconcile";
    public const string LastName = "GetLastReconciliation";
    public const string LastRoute = "reconcile/last";

    [Function(RunName)]
    public async Task<IResult> RunAsync([HttpTrigger(AuthorizationLevel.Function, "post", Route = RunRoute)] HttpRequest request, CancellationToken cancellationToken)
    {
        var fix = request.Query["fix"].ToString();
        if (fix.Length > 0 && !bool.TryParse(fix, out _))
        {
            return Results.Json(new ProblemBody("fix must be true or false."), FuncSyncJson.Default.ProblemBody, statusCode: StatusCodes.Status400BadRequest);
        }

        var report = await reconciler.RunAsync(fix.Length > 0 && bool.Parse(fix), null, 0, cancellationToken);
        return Results.Json(report, FuncSyncJson.Default.ReconciliationReport);
    }

    [Function(LastName)]
    public Task<IResult> LastAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = LastRoute)] HttpRequest request, CancellationToken cancellationToken) =>
        LastAsync(cancellationToken);

    public async Task<IResult> LastAsync(CancellationToken cancellationToken) =>
        await reports.GetReconciliationAsync(cancellationToken) is { } report
            ? Results.Json(report, FuncSyncJson.Default.ReconciliationReport)
            : Results.Json(new ProblemBody("No reconciliation has run yet."), FuncSyncJson.Default.ProblemBody, statusCode: StatusCodes.Status404NotFound);
}

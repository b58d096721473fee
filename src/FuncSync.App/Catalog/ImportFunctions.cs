using FuncSync.Json;
using Microsoft.Azure.Functions.Worker;

namespace FuncSync.Catalog;

/// <summary>An import job's progress over HTTP: state, rows applied, and the error of a failed run.</summary>
public sealed class ImportFunctions(ImportJobStore jobs)
{
    public const string StatusName = "ImportStatus";
    public const string StatusRoute = "imports/{id}";

    public static string StatusPath(string id) => "imports/" + Uri.EscapeDataString(id);

    [Function(StatusName)]
    public async Task<IResult> StatusAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = StatusRoute)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        await jobs.GetAsync(id, cancellationToken) is { } job
            ? Results.Json(ImportJobView.From(job), FuncSyncJson.Default.ImportJobView)
            : Results.Json(new ProblemBody($"No import {id} is known."), FuncSyncJson.Default.ProblemBody, statusCode: StatusCodes.Status404NotFound);
}

using FuncSync.Json;
using Microsoft.Azure.Functions.Worker;

namespace FuncSync.Monitoring;

/// <summary><c>POST /api/poison/{queue}/redrive</c>: once the cause is fixed, every poison message of a
/// queue goes back to it with a fresh dequeue count. The queue is named as <c>/healthz</c> lists it.</summary>
public sealed class PoisonRedriveFunction(PoisonQueueMonitor monitor)
{
    public const string Name = "RedrivePoison";
    public const string Route = "poison/{queue}/redrive";

    [Function(Name)]
    public Task<IResult> RedriveAsync([HttpTrigger(AuthorizationLevel.Function, "post", Route = Route)] HttpRequest request, string queue, CancellationToken cancellationToken) =>
        RedriveAsync(queue, cancellationToken);

    public async Task<IResult> RedriveAsync(string queue, CancellationToken cancellationToken)
    {
        if (!monitor.IsKnownQueue(queue))
        {
            return Results.Json(new ProblemBody($"No queue named {queue}: use a name /healthz lists."), FuncSyncJson.Default.ProblemBody, statusCode: StatusCodes.Status404NotFound);
        }

        var moved = await monitor.RedriveAsync(queue, cancellationToken);
        return Results.Json(new RedriveResult(queue, moved), FuncSyncJson.Default.RedriveResult);
    }
}

public sealed record RedriveResult(string Queue, int Moved);

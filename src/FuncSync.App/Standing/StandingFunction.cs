using FuncSync.Json;
using Microsoft.Azure.Functions.Worker;

namespace FuncSync.Standing;

/// <summary><c>GET /api/standing</c>: per channel and month, orders, cancellations caused by oversells, the rate
/// and the channel's line, newest month first.</summary>
public sealed class StandingFunction(ChannelStandingStore store)
{
    public const string Name = "ChannelStanding";
    public const string Route = "standing";

    [Function(Name)]
    public async Task<IResult> GetAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = Route)] HttpRequest request, CancellationToken cancellationToken)
    {
        var months = await store.ListAsync(cancellationToken);
        return Results.Json(new StandingList([.. months.Select(m => new StandingView(m.Channel, m.Month, m.Orders, m.Cancellations, m.Rate, m.Threshold, m.NearLine))]), FuncSyncJson.Default.StandingList);
    }
}

public sealed record StandingView(string Channel, string Month, long Orders, long Cancellations, double Rate, double? Threshold, bool NearLine);

public sealed record StandingList(IReadOnlyList<StandingView> Months);

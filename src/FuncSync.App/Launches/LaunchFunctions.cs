using System.Text.Json;
using FuncSync.Allocation;
using FuncSync.Catalog;
using FuncSync.Domain.Allocation;
using FuncSync.Json;
using FuncSync.Push;
using FuncSync.Skus;
using Microsoft.Azure.Functions.Worker;

namespace FuncSync.Launches;

/// <summary><c>GET/POST /api/launches</c>, <c>DELETE /api/launches/{id}</c>: the seller announces a drop
/// (SKUs or a SKU prefix, a start, a duration). While it runs, its SKUs are strict; at its start and
/// its end every listing of them is pushed again, so the switch does not wait for the next sale.</summary>
public sealed class LaunchFunctions(LaunchStore launches, SkuMapStore map, PushRechecks rechecks, TimeProvider time)
{
    public const string ListName = "ListLaunches";
    public const string AddName = "AddLaunch";
    public const string CancelName = "CancelLaunch";
    public const string Route = "launches";
    public const string ItemRoute = "launches/{id}";

    [Function(ListName)]
    public async Task<IResult> ListAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = Route)] HttpRequest request, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var list = (await launches.ListAsync(now, cancellationToken)).Select(l => LaunchView.From(l, now)).ToList();
        return Results.Json(new LaunchList(list), FuncSyncJson.Default.LaunchList);
    }

    [Function(AddName)]
    public async Task<IResult> AddAsync([HttpTrigger(AuthorizationLevel.Function, "post", Route = Route)] HttpRequest request, CancellationToken cancellationToken)
    {
        var (body, error) = await AdminRequests.ReadObjectAsync(request, cancellationToken);
        if (error is not null)
        {
            return Problem(StatusCodes.Status400BadRequest, error);
        }

        var now = time.GetUtcNow();
        var (name, nameError) = AdminRequests.Text(body, "name", required: true, maxLength: 100);
        var (prefix, prefixError) = AdminRequests.Text(body, "skuPrefix", maxLength: 100);
        var (tag, tagError) = AdminRequests.Text(body, "tag", maxLength: SkuTags.MaxLength);
        var (minutes, minutesError) = AdminRequests.Quantity(body, "durationMinutes", 1, (int)ScheduledLaunch.MaxHorizon.TotalMinutes);
        var (skus, skusError) = Skus(body);
        var (start, startError) = Start(body, now);
        error = nameError ?? prefixError ?? tagError ?? minutesError ?? skusError ?? startError;
        if (error is not null)
        {
            return Problem(StatusCodes.Status400BadRequest, error);
        }

        var launch = new ScheduledLaunch(Guid.NewGuid().ToString("N"), name!, skus, string.IsNullOrEmpty(prefix) ? null : prefix, start, TimeSpan.FromMinutes(minutes))
        {
            Tag = string.IsNullOrWhiteSpace(tag) ? null : tag.Trim(),
        };
        if (launch.Problem(now) is { } problem)
        {
            return Problem(StatusCodes.Status400BadRequest, problem);
        }

        var covered = await CoveredAsync(launch, cancellationToken);
        if (covered.Count == 0)
        {
            return Problem(StatusCodes.Status400BadRequest, "No SKU in the SKU map is in this launch: check the SKUs, the prefix or the tag.");
        }

        await launches.PruneAsync(now, cancellationToken);
        await launches.AddAsync(launch, cancellationToken);

        // The edges: strict from the start, the seller's rule again from the end; each pushed once every
        // instance's list of launches has caught up.
        await rechecks.SendAsync(covered, launch.Start - now + ThresholdInForce.ListFreshFor, cancellationToken);
        await rechecks.SendAsync(covered, launch.End - now + ThresholdInForce.ListFreshFor, cancellationToken);
        return Results.Json(LaunchView.From(launch, now), FuncSyncJson.Default.LaunchView, statusCode: StatusCodes.Status201Created);
    }

    [Function(CancelName)]
    public async Task<IResult> CancelAsync([HttpTrigger(AuthorizationLevel.Function, "delete", Route = ItemRoute)] HttpRequest request, string id, CancellationToken cancellationToken)
    {
        var removed = await launches.RemoveAsync(id, cancellationToken);
        if (removed is null)
        {
            return Problem(StatusCodes.Status404NotFound, $"No launch {id}.");
        }

        await rechecks.SendAsync(await CoveredAsync(removed, cancellationToken), ThresholdInForce.ListFreshFor, cancellationToken);
        return Results.NoContent();
    }

    private async Task<IReadOnlyList<SkuMapping>> CoveredAsync(ScheduledLaunch launch, CancellationToken cancellationToken)
    {
        var covered = new List<SkuMapping>();
        await foreach (var mapping in map.ListAsync(cancellationToken))
        {
            if (launch.Covers(mapping.Sku, mapping.Tags))
            {
                covered.Add(mapping);
            }
        }

        return covered;
    }

    private static (IReadOnlyList<string> Skus, string? Error) Skus(JsonElement body)
    {
        if (!body.TryGetProperty("skus", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return ([], null);
        }

        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            return ([], "skus must be an array of strings.");
        }

        return (value.EnumerateArray().Select(e => e.GetString()!.Trim()).Distinct(StringComparer.Ordinal).ToList(), null);
    }

    private static (DateTimeOffset Start, string? Error) Start(JsonElement body, DateTimeOffset now)
    {
        if (!body.TryGetProperty("start", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return (now, null);
        }

        return value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var start)
            ? (start, null)
            : (now, "start must be a date and time with its offset, e.g. 2026-12-05T18:00:00Z.");
    }

    private static IResult Problem(int status, string error) => Results.Json(new ProblemBody(error), FuncSyncJson.Default.ProblemBody, statusCode: status);
}

public sealed record LaunchList(IReadOnlyList<LaunchView> Launches);

/// <param name="Running">True while its SKUs are strict.</param>
public sealed record LaunchView(string Id, string Name, IReadOnlyList<string> Skus, string? SkuPrefix, DateTimeOffset Start, DateTimeOffset End, bool Running)
{
    public string? Tag { get; init; }

    public static LaunchView From(ScheduledLaunch launch, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(launch);
        return new(launch.Id, launch.Name, launch.Skus, launch.SkuPrefix, launch.Start, launch.End, launch.IsRunning(now)) { Tag = launch.Tag };
    }
}

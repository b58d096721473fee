using System.Text.Json;
using FuncSync.Catalog;
using FuncSync.Domain;
using FuncSync.Domain.Pausing;
using FuncSync.Json;
using FuncSync.Push;
using FuncSync.Skus;
using Microsoft.Azure.Functions.Worker;

namespace FuncSync.Pausing;

/// <summary><c>GET/POST /api/pauses</c> and <c>POST /api/pauses/{id}/resume</c>: the seller pauses SKUs (a list, a
/// SKU prefix, a tag, or the whole shop) on chosen channels, saying who and why. The channels then show 0; on resume
/// they show what the allocation gives them. Either way every listing covered is pushed again at once, and once
/// more when every instance's list of pauses has caught up.</summary>
public sealed class PauseFunctions(PauseStore pauses, RulesInForce rules, SkuMapStore map, PushRechecks rechecks, TimeProvider time)
{
    public const string ListName = "ListPauses";
    public const string AddName = "AddPause";
    public const string ResumeName = "ResumePause";
    public const string Route = "pauses";
    public const string ResumeRoute = "pauses/{id}/resume";

    [Function(ListName)]
    public async Task<IResult> ListAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = Route)] HttpRequest request, CancellationToken cancellationToken)
    {
        var list = await pauses.ListAsync(cancellationToken);
        var history = await pauses.HistoryAsync(50, cancellationToken);
        return Results.Json(new PauseList(ChannelNames, list, history), FuncSyncJson.Default.PauseList);
    }

    [Function(AddName)]
    public async Task<IResult> AddAsync([HttpTrigger(AuthorizationLevel.Function, "post", Route = Route)] HttpRequest request, CancellationToken cancellationToken)
    {
        var (body, error) = await AdminRequests.ReadObjectAsync(request, cancellationToken);
        if (error is not null)
        {
            return Problem(StatusCodes.Status400BadRequest, error);
        }

        var (by, byError) = AdminRequests.Text(body, "by", required: true, maxLength: 100);
        var (reason, reasonError) = AdminRequests.Text(body, "reason", required: true, maxLength: 500);
        var (prefix, prefixError) = AdminRequests.Text(body, "skuPrefix", maxLength: 100);
        var (tag, tagError) = AdminRequests.Text(body, "tag", maxLength: SkuTags.MaxLength);
        var (skus, skusError) = Strings(body, "skus");
        var (channels, channelsError) = Strings(body, "channels");
        error = byError ?? reasonError ?? prefixError ?? tagError ?? skusError ?? channelsError;
        if (error is null && tag?.Trim() is { Length: > 0 } oneTag && (oneTag.Contains(';', StringComparison.Ordinal) || SkuTags.Problem([oneTag]) is not null))
        {
            error = "tag must be one tag, without ';' or control characters.";
        }

        if (error is null && channels.Count == 0)
        {
            error = "channels must name at least one channel to pause on.";
        }

        if (error is null && channels.FirstOrDefault(c => !ChannelNames.Contains(c, StringComparer.OrdinalIgnoreCase)) is { } unknown)
        {
            error = $"channels: {unknown} is not a channel FuncSync knows ({string.Join(", ", ChannelNames)}).";
        }

        if (error is not null)
        {
            return Problem(StatusCodes.Status400BadRequest, error);
        }

        var named = channels.Select(c => ChannelNames.First(n => string.Equals(n, c, StringComparison.OrdinalIgnoreCase))).Distinct().ToList();
        var pause = new ChannelPause(Guid.NewGuid().ToString("N"), skus, string.IsNullOrEmpty(prefix) ? null : prefix, named, by!, reason!, time.GetUtcNow())
        {
            Tag = string.IsNullOrWhiteSpace(tag) ? null : tag.Trim(),
        };
        var covered = await CoveredAsync(pause, cancellationToken);
        if (covered.Count == 0)
        {
            return Problem(StatusCodes.Status400BadRequest, "No SKU in the SKU map is covered: check the SKUs, the prefix or the tag.");
        }

        await pauses.AddAsync(pause, cancellationToken);
        await PushAgainAsync(covered, pause, cancellationToken);
        return Results.Json(pause, FuncSyncJson.Default.ChannelPause, statusCode: StatusCodes.Status201Created);
    }

    [Function(ResumeName)]
    public async Task<IResult> ResumeAsync([HttpTrigger(AuthorizationLevel.Function, "post", Route = ResumeRoute)] HttpRequest request, string id, CancellationToken cancellationToken)
    {
        var (body, error) = await AdminRequests.ReadObjectAsync(request, cancellationToken);
        if (error is not null)
        {
            return Problem(StatusCodes.Status400BadRequest, error);
        }

        var (by, byError) = AdminRequests.Text(body, "by", required: true, maxLength: 100);
        var (reason, reasonError) = AdminRequests.Text(body, "reason", maxLength: 500);
        if ((byError ?? reasonError) is { } invalid)
        {
            return Problem(StatusCodes.Status400BadRequest, invalid);
        }

        var removed = await pauses.RemoveAsync(id, by!, reason ?? "resumed", time.GetUtcNow(), cancellationToken);
        if (removed is null)
        {
            return Problem(StatusCodes.Status404NotFound, $"No pause {id}.");
        }

        await PushAgainAsync(await CoveredAsync(removed, cancellationToken), removed, cancellationToken);
        return Results.Json(removed, FuncSyncJson.Default.ChannelPause);
    }

    /// <summary>The channel names a pause may name; the dashboard offers these.</summary>
    private static IReadOnlyList<string> ChannelNames { get; } = [.. Enum.GetValues<Channel>().Select(c => c.ToString())];

    private async Task PushAgainAsync(IReadOnlyList<SkuMapping> covered, ChannelPause pause, CancellationToken cancellationToken)
    {
        // This instance decides with the new list at once; the others within ListFreshFor, when the second
        // re-check arrives.
        rules.Forget();
        var listings = covered.SelectMany(m => m.Channels.Where(c => pause.Channels.Contains(c.ToString())).Select(c => new SyncListing(m.Sku, c))).ToList();
        foreach (var listing in listings)
        {
            await rechecks.SendAsync(listing, TimeSpan.Zero, cancellationToken);
            await rechecks.SendAsync(listing, RulesInForce.ListFreshFor, cancellationToken);
        }
    }

    private async Task<IReadOnlyList<SkuMapping>> CoveredAsync(ChannelPause pause, CancellationToken cancellationToken)
    {
        var covered = new List<SkuMapping>();
        await foreach (var mapping in map.ListAsync(cancellationToken))
        {
            if (pause.Covers(mapping.Sku, mapping.Tags))
            {
                covered.Add(mapping);
            }
        }

        return covered;
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

/// <param name="Channels">The channels a pause may name.</param>
public sealed record PauseList(IReadOnlyList<string> Channels, IReadOnlyList<ChannelPause> Pauses, IReadOnlyList<PauseEvent> History);

using System.Globalization;
using FuncSync.Catalog;
using FuncSync.Counting;
using FuncSync.Domain.Ledger;
using FuncSync.Json;
using FuncSync.Ledger;
using Microsoft.Azure.Functions.Worker;

namespace FuncSync.Skus;

/// <summary>The admin API a seller uses by hand: count a shelf, adjust with a reason, resolve returned
/// units after inspection, read a SKU's history. Changes are events like any other (audited, pushed,
/// idempotent on the <c>Idempotency-Key</c> header) and are applied before the answer is sent.</summary>
public sealed class StockAdminFunctions(SkuMapStore map, LedgerStore ledger, InventoryEventApplier applier, SkuStatusFunction status, CountStore counts, CountRecorder recorder, TimeProvider time)
{
    public const string CountName = "CountStock";
    public const string CountRoute = "skus/{sku}/count";
    public const string AdjustName = "AdjustStock";
    public const string AdjustRoute = "skus/{sku}/adjustments";
    public const string InspectName = "ResolveInspection";
    public const string InspectRoute = "skus/{sku}/inspections";
    public const string HistoryName = "GetSkuHistory";
    public const string HistoryRoute = "skus/{sku}/history";

    private const int MaxPageSize = 200;

    [Function(CountName)]
    public async Task<IResult> CountAsync([HttpTrigger(AuthorizationLevel.Function, "put", Route = CountRoute)] HttpRequest request, string sku, CancellationToken cancellationToken)
    {
        var (body, error) = await AdminRequests.ReadObjectAsync(request, cancellationToken);
        var (quantity, quantityError) = error is null ? AdminRequests.Quantity(body, "quantity", 0, AdminRequests.Max) : (0, null);
        var (note, noteError) = error is null ? AdminRequests.Text(body, "note") : (null, null);
        var (round, roundError) = error is null ? AdminRequests.Text(body, "round", maxLength: 100) : (null, null);
        error ??= quantityError ?? noteError ?? roundError;
        if (error is null && !string.IsNullOrEmpty(round))
        {
            var counting = await counts.GetRoundAsync(round, cancellationToken);
            if (counting is null)
            {
                return Problem(StatusCodes.Status404NotFound, $"No counting round {round}.");
            }

            if (!counting.Skus.Contains(sku, StringComparer.Ordinal))
            {
                error = $"{sku} is not on the list of counting round {counting.Name}.";
            }
        }

        return await ApplyAsync(sku, request, InventoryEventKind.Count, quantity, "count", note, error, cancellationToken, string.IsNullOrEmpty(round) ? null : round);
    }

    [Function(AdjustName)]
    public async Task<IResult> AdjustAsync([HttpTrigger(AuthorizationLevel.Function, "post", Route = AdjustRoute)] HttpRequest request, string sku, CancellationToken cancellationToken)
    {
        var (body, error) = await AdminRequests.ReadObjectAsync(request, cancellationToken);
        var (delta, deltaError) = error is null ? AdminRequests.Quantity(body, "delta", -AdminRequests.Max, AdminRequests.Max) : (0, null);
        var (reason, reasonError) = error is null ? AdminRequests.Text(body, "reason", AdminRequests.AdjustmentReasons, required: true) : (null, null);
        var (note, noteError) = error is null ? AdminRequests.Text(body, "note") : (null, null);
        error ??= deltaError ?? reasonError ?? noteError;
        if (error is null && delta == 0)
        {
            error = "delta must not be zero.";
        }

        var kind = AdminRequests.KindForAdjustment(reason ?? string.Empty);
        if (error is null && kind == InventoryEventKind.Receipt && delta < 0)
        {
            error = "Received stock has a positive 'delta'.";
        }

        return await ApplyAsync(sku, request, kind, delta, reason, note, error, cancellationToken);
    }

    [Function(InspectName)]
    public async Task<IResult> InspectAsync([HttpTrigger(AuthorizationLevel.Function, "post", Route = InspectRoute)] HttpRequest request, string sku, CancellationToken cancellationToken)
    {
        var (body, error) = await AdminRequests.ReadObjectAsync(request, cancellationToken);
        var (quantity, quantityError) = error is null ? AdminRequests.Quantity(body, "quantity", 1, AdminRequests.Max) : (0, null);
        var (outcome, outcomeError) = error is null ? AdminRequests.Text(body, "outcome", ["restock", "write-off"], required: true) : (null, null);
        var kind = outcome == "restock" ? InventoryEventKind.InspectionRestocked : InventoryEventKind.InspectionWrittenOff;
        return await ApplyAsync(sku, request, kind, quantity, outcome, null, error ?? quantityError ?? outcomeError, cancellationToken);
    }

    [Function(HistoryName)]
    public Task<IResult> HistoryAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = HistoryRoute)] HttpRequest request, string sku, CancellationToken cancellationToken) =>
        AdminRequests.QueryInt(request, "limit", out var limit) is { } error
            ? Task.FromResult(Problem(StatusCodes.Status400BadRequest, error))
            : HistoryAsync(sku, limit, request.Query["continuation"].ToString() is { Length: > 0 } continuation ? continuation : null, cancellationToken);

    public async Task<IResult> HistoryAsync(string sku, int? limit, string? continuation, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxPageSize)
        {
            return Problem(StatusCodes.Status400BadRequest, $"limit must be between 1 and {MaxPageSize}.");
        }

        if (await map.GetAsync(sku, cancellationToken) is null)
        {
            return Problem(StatusCodes.Status404NotFound, $"No SKU {sku} is in the SKU map.");
        }

        var page = await ledger.GetHistoryAsync(sku, limit ?? 50, string.IsNullOrEmpty(continuation) ? null : continuation, cancellationToken);
        return Results.Json(new SkuHistory(sku, page.Entries, page.Continuation), FuncSyncJson.Default.SkuHistory);
    }

    private async Task<IResult> ApplyAsync(string sku, HttpRequest request, InventoryEventKind kind, int quantity, string? reason, string? note, string? error, CancellationToken cancellationToken, string? round = null)
    {
        if (error is not null)
        {
            return Problem(StatusCodes.Status400BadRequest, error);
        }

        var idempotencyKey = request.Headers["Idempotency-Key"].ToString();
        if (idempotencyKey.Length > 100)
        {
            return Problem(StatusCodes.Status400BadRequest, "The Idempotency-Key header is longer than 100 characters.");
        }

        var mapping = await map.GetAsync(sku, cancellationToken);
        if (mapping is null)
        {
            return Problem(StatusCodes.Status404NotFound, $"No SKU {sku} is in the SKU map.");
        }

        var now = time.GetUtcNow();
        var eventId = "admin:" + (idempotencyKey.Length > 0 ? idempotencyKey : Guid.NewGuid().ToString("N"));
        var received = new InventoryEventReceived(eventId, kind, "admin", null, sku, quantity, now, now, note, reason);
        ApplyOutcome outcome;
        try
        {
            outcome = await applier.ApplyAsync(received, cancellationToken);
        }
        catch (StockRuleException ex)
        {
            return Problem(StatusCodes.Status400BadRequest, ex.Message);
        }

        // Every count, from a round or not, keeps what it found: the variance and shrinkage come from these.
        var count = kind == InventoryEventKind.Count ? await recorder.RecordAsync(mapping, eventId, quantity, round, cancellationToken) : null;
        var current = await status.GetAsync(sku, cancellationToken);
        return Results.Json(new StockChanged(eventId, outcome.ToString().ToLower(CultureInfo.InvariantCulture), current!) { Count = count }, FuncSyncJson.Default.StockChanged);
    }

    private static IResult Problem(int status, string error) =>
        Results.Json(new ProblemBody(error), FuncSyncJson.Default.ProblemBody, statusCode: status);
}

/// <summary>Answer of a count, adjustment or inspection: the event and where the SKU stands now.</summary>
/// <param name="Outcome"><c>applied</c>, or <c>duplicate</c> when the Idempotency-Key was used before.</param>
public sealed record StockChanged(string EventId, string Outcome, SkuStatus Sku)
{
    /// <summary>For a count: what it found against what the ledger expected, and whether it needs a reason.</summary>
    public CountRecord? Count { get; init; }
}

/// <summary>A page of a SKU's history, newest first; pass <see cref="Continuation"/> back for the next page.</summary>
public sealed record SkuHistory(string Sku, IReadOnlyList<HistoryEntry> Entries, string? Continuation);

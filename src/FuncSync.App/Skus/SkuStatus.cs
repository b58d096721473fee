using FuncSync.Alerts;
using FuncSync.Catalog;
using FuncSync.Domain;
using FuncSync.Json;
using FuncSync.Ledger;
using FuncSync.Push;
using Microsoft.Azure.Functions.Worker;

namespace FuncSync.Skus;

/// <summary>Answer of <c>GET /api/skus/{sku}</c> and each row of <c>GET /api/skus</c>: the master quantity and,
/// per channel, what it was last seen or made to show, and when.</summary>
/// <param name="Components">Empty unless the SKU is a bundle or made-to-order listing, whose available quantity is derived from these.</param>
/// <param name="State">The SKU's worst channel state, or <see cref="SyncState.Oversold"/> / <see cref="SyncState.Unmapped"/>.</param>
public sealed record SkuStatus(string Sku, string Title, int Available, long LedgerVersion, DateTimeOffset? UpdatedAt, IReadOnlyList<ChannelStatus> Channels, IReadOnlyList<ComponentStatus> Components, SyncState State)
{
    /// <summary>On the shelf, units packed for unshipped orders included; null for a SKU made of components.</summary>
    public int? OnHand { get; init; }

    /// <summary>Sold and not yet shipped; available is on hand less this. Null for a SKU made of components.</summary>
    public int? Committed { get; init; }
}

public sealed record ComponentStatus(string Sku, int PerUnit);

/// <param name="Shown">What the channel showed when FuncSync last read it or wrote it.</param>
/// <param name="Status"><c>InSync</c>: read back and already right; <c>Written</c>: FuncSync's write was accepted; <c>Deferred</c>: an increase held back.</param>
/// <param name="LagMs">From the ledger's last change to this channel reflecting it; null while the channel is behind.</param>
public sealed record ChannelStatus(Channel Channel, string Listing, int? Shown, int? Target, PushStatus? Status, DateTimeOffset? CheckedAt, DateTimeOffset? WrittenAt, SyncState State, double? LagMs);

/// <summary>Answer of <c>GET /api/skus</c>.</summary>
public sealed record SkuList(IReadOnlyList<SkuStatus> Skus);

public enum SyncState
{
    /// <summary>Every channel reflects the ledger's current version.</summary>
    InSync,

    /// <summary>A change is on its way to a channel, or an increase is held back until it is safe.</summary>
    Pushing,

    /// <summary>A channel shows more than its share, or a reconciliation found it showing something else.</summary>
    Drift,

    /// <summary>The SKU is on no channel.</summary>
    Unmapped,

    /// <summary>Sold below zero: orders compete for units that are not there.</summary>
    Oversold,
}

/// <summary>The HTTP function behind <c>GET /api/skus/{sku}</c>, and the whole list <see cref="SkuListFunction"/> answers
/// with: both build a SKU's status the same way, one from point reads, the list from one query per table.</summary>
public sealed class SkuStatusFunction(SkuMapStore map, LedgerStore ledger, PushStore pushes, AlertStore alerts)
{
    public const string Name = "GetSku";
    public const string Route = "skus/{sku}";
    public const string ListName = "ListSkus";
    public const string ListRoute = "skus";

    [Function(Name)]
    public async Task<IResult> GetAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = Route)] HttpRequest request, string sku, CancellationToken cancellationToken) =>
        await GetAsync(sku, cancellationToken) is { } status
            ? Results.Json(status, FuncSyncJson.Default.SkuStatus)
            : Results.Json(new ProblemBody($"No SKU {sku} is in the SKU map."), FuncSyncJson.Default.ProblemBody, statusCode: StatusCodes.Status404NotFound);

    public async Task<SkuStatus?> GetAsync(string sku, CancellationToken cancellationToken)
    {
        if (await map.GetAsync(sku, cancellationToken) is not { } mapping)
        {
            return null;
        }

        var stock = await ledger.GetAvailabilityAsync(mapping, cancellationToken);
        var records = await pushes.ListAsync(sku, cancellationToken);
        var drifted = await alerts.OpenSkusAsync(AlertKind.Discrepancy, sku, cancellationToken);
        return Compose(mapping, stock, records, drifted.Contains(sku));
    }

    public async Task<SkuList> ListAsync(CancellationToken cancellationToken)
    {
        var stockTask = ledger.ListStockAsync(cancellationToken);
        var recordsTask = pushes.ListAllAsync(cancellationToken);
        var driftTask = alerts.OpenSkusAsync(AlertKind.Discrepancy, null, cancellationToken);
        var mappings = new List<SkuMapping>();
        await foreach (var mapping in map.ListAsync(cancellationToken))
        {
            mappings.Add(mapping);
        }

        var stock = await stockTask;
        var records = (await recordsTask).ToLookup(r => r.Sku, StringComparer.Ordinal);
        var drifted = await driftTask;
        return new SkuList(mappings
            .Select(m => Compose(m, LedgerStore.Availability(m, sku => stock.GetValueOrDefault(sku) ?? LedgerStore.NoStock(sku)), records[m.Sku].ToList(), drifted.Contains(m.Sku)))
            .ToList());
    }

    /// <summary>One SKU's status from what was read about it.</summary>
    public static SkuStatus Compose(SkuMapping mapping, SkuAvailability stock, IReadOnlyList<PushRecord> records, bool reconciliationFoundDrift)
    {
        var byChannel = records.ToDictionary(r => r.Channel);
        var channels = mapping.Listings.Select(listing =>
        {
            var record = byChannel.GetValueOrDefault(listing.Channel);
            var (state, lag) = ChannelState(record, stock);
            return new ChannelStatus(listing.Channel, listing.Key, record?.Shown, record?.Target, record?.Status, record?.CheckedAt, record?.WrittenAt, state, lag);
        }).ToList();
        var skuState = channels.Count == 0 ? SyncState.Unmapped
            : stock.Available < 0 ? SyncState.Oversold
            : reconciliationFoundDrift || channels.Any(c => c.State == SyncState.Drift) ? SyncState.Drift
            : channels.Any(c => c.State == SyncState.Pushing) ? SyncState.Pushing
            : SyncState.InSync;
        return new SkuStatus(mapping.Sku, mapping.Title, stock.Available, stock.Version, stock.UpdatedAt, channels, mapping.Parts.Select(c => new ComponentStatus(c.Sku, c.PerUnit)).ToList(), skuState)
        {
            OnHand = stock.OnHand,
            Committed = stock.Committed,
        };
    }

    private static (SyncState State, double? LagMs) ChannelState(PushRecord? record, SkuAvailability stock)
    {
        if (record is null)
        {
            // Never pushed: nothing was counted yet, or the first push is on the queue.
            return (stock.Version == 0 ? SyncState.InSync : SyncState.Pushing, null);
        }

        // Showing more than its share is what sells a unit twice; showing less is a share held back.
        if (record.Shown > record.Target)
        {
            return (SyncState.Drift, null);
        }

        if (record.LedgerVersion < stock.Version || record.Status == PushStatus.Deferred)
        {
            return (SyncState.Pushing, null);
        }

        var lag = stock.UpdatedAt is { } changed ? Math.Max(0, (record.CheckedAt - changed).TotalMilliseconds) : (double?)null;
        return (SyncState.InSync, lag);
    }
}

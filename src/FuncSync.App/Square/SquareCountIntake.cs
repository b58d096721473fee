using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using FuncSync.Catalog;
using FuncSync.Channels.Webhooks;
using FuncSync.Domain.Ledger;
using FuncSync.Hosting.Storage;
using FuncSync.Ledger;
using FuncSync.Storage;
using FuncSync.Webhooks;
using Microsoft.Extensions.Options;

namespace FuncSync.Square;

/// <summary>An <c>inventory.count.updated</c> notification, explained at once from Square's change log: the variation's
/// changes received around the notification are read and each is judged by its origin
/// (<see cref="SquareChangeClassifier"/>). FuncSync's own writes are passed over, an online order's sale is imported
/// from its order (the order notification's event ids, so it counts once), and a sale rung up at the register becomes a
/// sale keyed by the change's id, applied now. Only what the log does not explain (a count, a correction, an order not
/// readable yet, a notification with no change to show) waits for the echo-aware level check after its settling
/// delay.</summary>
public sealed class SquareCountIntake(
    SquareApi square,
    SquareOrderImport orders,
    SkuMapStore map,
    InventoryEventSender inventoryEvents,
    SquareChangesSeen seen,
    StorageClients storage,
    StorageNames names,
    IOptions<SquareOptions> options,
    ILogger<SquareCountIntake> logger)
{
    /// <summary>How far before the notification's own time its change may have been received: the two clocks are
    /// Square's, but the notification is written after the change.</summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromSeconds(10);

    public async Task HandleAsync(AcceptedWebhook accepted, IEnumerable<string> variations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accepted);
        var mapped = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var variation in variations.Distinct(StringComparer.Ordinal))
        {
            if (await map.FindSkuAsync(new ListingRef(Domain.Channel.Square, variation), cancellationToken) is { } sku)
            {
                mapped[variation] = sku;
            }
            else
            {
                logger.LogInformation("Square variation {Variation} is not mapped; its count change is the mapping audit's business", variation);
            }
        }

        if (mapped.Count == 0)
        {
            return;
        }

        var s = options.Value;
        var since = (accepted.OccurredAt is { } at && EventTimes.IsPlausible(at, accepted.ReceivedAt) ? at : accepted.ReceivedAt) - Overlap;
        var changes = await square.RetrieveChangesAsync(mapped.Keys, s.Locations, since, cancellationToken);

        // A variation whose notification no change explains is checked later, as is one with a change only the level
        // check can judge.
        var unexplained = new HashSet<string>(mapped.Keys, StringComparer.Ordinal);
        var toCheck = new HashSet<string>(StringComparer.Ordinal);
        var sales = 0;
        var registerOrders = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var change in changes.Where(c => mapped.ContainsKey(c.VariationId)))
        {
            switch (SquareChangeClassifier.Classify(change, s.ApplicationId))
            {
                case SquareChangeKind.Echo:
                    unexplained.Remove(change.VariationId);
                    break;
                case SquareChangeKind.RegisterSale:
                    await SellAsync(change, accepted, registerOrders, cancellationToken);
                    unexplained.Remove(change.VariationId);
                    sales++;
                    break;
                case SquareChangeKind.OrderSale:
                    if (await ImportOrderAsync(change, accepted, cancellationToken))
                    {
                        unexplained.Remove(change.VariationId);
                    }
                    else
                    {
                        toCheck.Add(change.VariationId);
                    }

                    break;
                default:
                    toCheck.Add(change.VariationId);
                    break;
            }
        }

        toCheck.UnionWith(unexplained);
        foreach (var variation in toCheck)
        {
            // The check reads Square when it runs, so whichever of several notifications runs first sees every change.
            var check = new SquareCountChanged(accepted.EventId, variation, mapped[variation], EventTimes.FirstPlausible(accepted.ReceivedAt, accepted.OccurredAt), accepted.ReceivedAt);
            await storage.Queue(names.SquareLevelChecksQueue).SendMessageAsync(
                JsonSerializer.Serialize(check, SquareJson.Default.SquareCountChanged), visibilityTimeout: s.LevelCheckDelay, cancellationToken: cancellationToken);
        }

        logger.LogInformation("Square count change {EventId}: {Changes} changes read, {Sales} register sales, {Checks} level checks queued", accepted.EventId, changes.Count, sales, toCheck.Count);
    }

    /// <param name="registerOrders">The register's orders this notification already read, by id: an order of several
    /// lines moves several counts, and is read once.</param>
    private async Task SellAsync(SquareInventoryChange change, AcceptedWebhook accepted, Dictionary<string, JsonNode?> registerOrders, CancellationToken cancellationToken)
    {
        var key = "adjustment:" + change.Id;
        if (seen.Contains(key))
        {
            return;
        }

        // The price is on the register's order, which the adjustment names as its transaction; no order (not readable,
        // or none named) is no price, never a lost sale.
        JsonNode? order = null;
        if (change.TransactionId is { } orderId && !registerOrders.TryGetValue(orderId, out order))
        {
            order = await square.RetrieveOrderAsync(orderId, cancellationToken);
            registerOrders[orderId] = order;
        }

        // An offline sale keeps the time it was rung up, however late it was uploaded.
        var sale = new InventoryEventReceived(
            $"square:sale:adjustment:{change.Id}",
            InventoryEventKind.Sale,
            SquareWebhook.Source,
            new ListingRef(Domain.Channel.Square, change.VariationId),
            null,
            change.Quantity,
            EventTimes.FirstPlausible(accepted.ReceivedAt, change.OccurredAt, change.CreatedAt, accepted.OccurredAt),
            accepted.ReceivedAt,
            "Square register sale " + (change.TransactionId ?? change.Id),
            LineTotal: SquareLinePrice.ForUnits(order, change.VariationId, change.Quantity));
        await inventoryEvents.SendAsync(sale, cancellationToken);
        seen.Add(key);
    }

    private async Task<bool> ImportOrderAsync(SquareInventoryChange change, AcceptedWebhook accepted, CancellationToken cancellationToken)
    {
        var key = "order:" + change.TransactionId;
        if (seen.Contains(key))
        {
            return true;
        }

        var found = await orders.ImportAsync(change.TransactionId!, "inventory change " + change.Id, accepted.ReceivedAt, change.OccurredAt, cancellationToken);
        if (found)
        {
            seen.Add(key);
        }

        return found;
    }
}

/// <summary>The changes and orders this instance already turned into events, for a few minutes: a burst of register
/// sales sends one notification per sale, and each reads the others' changes too. Only traffic is saved: the ledger
/// deduplicates event ids, so another instance (or a restart) sending one again changes nothing.</summary>
public sealed class SquareChangesSeen(TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private const int PruneAbove = 10_000;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);

    public bool Contains(string key) => _seen.ContainsKey(key);

    public void Add(string key)
    {
        var now = time.GetUtcNow();
        _seen[key] = now;
        if (_seen.Count > PruneAbove)
        {
            foreach (var (seenKey, at) in _seen)
            {
                if (now - at > Lifetime)
                {
                    _seen.TryRemove(seenKey, out _);
                }
            }
        }
    }
}

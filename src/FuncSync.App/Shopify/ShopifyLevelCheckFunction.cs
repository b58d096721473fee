using System.Globalization;
using System.Text.Json;
using FuncSync.Catalog;
using FuncSync.Domain;
using FuncSync.Domain.Ledger;
using FuncSync.Hosting.Functions;
using FuncSync.Json;
using FuncSync.Ledger;
using FuncSync.Push;
using FuncSync.Storage;
using Microsoft.Azure.Functions.Worker;

namespace FuncSync.Shopify;

/// <summary>Queue function on <c>shopify-level-checks</c>: decides, after a settling delay, whether an
/// inventory_levels/update was a change made in Shopify (admin edit, app, POS count) that the ledger
/// must take as an adjustment.
/// <para>Shopify reports every move of "available" this way, including its own sales and FuncSync's own
/// pushes. Both are already reflected in the push record by the time the check runs: a sale reaches the
/// ledger through its order webhook and the push that follows finds Shopify in sync and records what it
/// shows; a push records what it wrote. So the check reads Shopify now (level-triggered: a late or
/// repeated report cannot replay an old number) and takes only the difference from the last recorded
/// value as a Shopify-side change. "Recorded" counts the sales the record knew Shopify had made before
/// the ledger did, less those the ledger has applied since.</para></summary>
public sealed class ShopifyLevelCheckFunction(
    SkuMapStore map,
    LedgerStore ledger,
    PushStore pushes,
    ShopifyInventory shopify,
    IQueueSender queues,
    StorageNames names,
    TimeProvider time,
    ILogger<ShopifyLevelCheckFunction> logger)
{
    public const string Name = "ShopifyLevelCheck";

    public const string Reason = "changed in Shopify";

    [Function(Name)]
    public async Task RunAsync([QueueTrigger(StorageNames.ShopifyLevelChecks, Connection = StorageNames.Connection)] string message, CancellationToken cancellationToken)
    {
        var changed = JsonSerializer.Deserialize(message, ShopifyJson.Default.ShopifyLevelChanged)
            ?? throw new InvalidDataException("The level check message is empty.");
        var mapping = await FindAsync(changed.InventoryItemId, changed.LocationId, cancellationToken);
        if (mapping is null)
        {
            logger.LogInformation(
                "Shopify inventory item {Item} at location {Location} is not a level FuncSync writes; change ignored",
                changed.InventoryItemId, changed.LocationId);
            return;
        }

        var last = await pushes.GetAsync(mapping.Sku, Channel.Shopify, cancellationToken);
        if (last is null)
        {
            // Without a value FuncSync saw or wrote there is nothing to measure a change against; the
            // first push brings the level in line with the ledger.
            logger.LogInformation("{Sku} has no push record on Shopify yet; level change {EventId} not measured", mapping.Sku, changed.EventId);
            return;
        }

        var sold = (await ledger.GetAvailabilityAsync(mapping, cancellationToken)).SoldOn(Channel.Shopify);
        var now = await shopify.ReadAsync(mapping, cancellationToken);
        var expected = (int)last.View.Expected(sold);
        var delta = now.Quantity - expected;
        if (delta == 0 || now.Quantity == last.WritingTo)
        {
            logger.LogDebug("{Sku} on Shopify shows {Shown}, as last recorded or being written: an echo or an imported sale", mapping.Sku, now.Quantity);
            return;
        }

        var adjustment = new InventoryEventReceived(
            EventId: "shopify:level:" + changed.EventId,
            Kind: InventoryEventKind.Adjustment,
            Source: ShopifyEventTranslator.Source,
            Listing: null,
            Sku: mapping.Sku,
            Quantity: delta,
            OccurredAt: changed.TriggeredAt,
            ReceivedAt: changed.ReceivedAt,
            Reference: string.Create(CultureInfo.InvariantCulture, $"Shopify level {changed.InventoryItemId}@{changed.LocationId}: {expected} -> {now.Quantity}"),
            Reason: Reason);

        // Sent before the record: if the record fails the message is retried and the same event id
        // dedupes in the ledger; the other order could lose the adjustment.
        await queues.SendAsync(names.InventoryEventsQueue, JsonSerializer.Serialize(adjustment, FuncSyncJson.Default.InventoryEventReceived), cancellationToken);
        // What looked like unseen sales was this change: nothing is left unseen.
        var seen = last with { Shown = now.Quantity, SoldSeen = sold, Unseen = 0, CheckedAt = time.GetUtcNow() };
        if (!await pushes.TryRecordAsync(seen, last.ETag, cancellationToken))
        {
            // A push recorded meanwhile; the retry compares Shopify with that newer record.
            throw new InvalidOperationException($"The push record of {mapping.Sku} on Shopify changed during the level check; retrying.");
        }

        logger.LogInformation("{Sku}: Shopify changed by {Delta} outside FuncSync ({Before} -> {After}); adjustment {EventId} queued", mapping.Sku, delta, expected, now.Quantity, adjustment.EventId);
    }

    private async Task<SkuMapping?> FindAsync(long inventoryItemId, long locationId, CancellationToken cancellationToken)
    {
        // The SKU map is keyed by variant; a seller's catalogue is small enough to scan per check.
        await foreach (var mapping in map.ListAsync(cancellationToken))
        {
            if (mapping.Shopify is { } listing && listing.InventoryItemId == inventoryItemId && listing.LocationId == locationId)
            {
                return mapping;
            }
        }

        return null;
    }
}

using System.Globalization;
using System.Text.Json;
using FuncSync.Catalog;
using FuncSync.Domain;
using FuncSync.Push;
using FuncSync.Storage;
using Microsoft.Azure.Functions.Worker;

namespace FuncSync.Shopify;

/// <summary>Queue function on <c>shopify-level-checks</c>: decides, after a settling delay, whether an
/// inventory_levels/update was a change made in Shopify (admin edit, app, POS count) that the ledger
/// must take as an adjustment, through the echo-aware <see cref="ChannelLevelCheck"/>.
/// <para>Shopify reports every move of "available" this way, including its own sales and FuncSync's own
/// pushes. Both are already reflected in the push record by the time the check runs: a sale reaches the
/// ledger through its order webhook and the push that follows finds Shopify in sync and records what it
/// shows; a push records what it wrote.</para></summary>
public sealed class ShopifyLevelCheckFunction(
    SkuMapStore map,
    ChannelLevelCheck check,
    ShopifyInventory shopify,
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

        var change = new LevelChange(
            EventId: "shopify:level:" + changed.EventId,
            Source: ShopifyEventTranslator.Source,
            Reason: Reason,
            Reference: string.Create(CultureInfo.InvariantCulture, $"Shopify level {changed.InventoryItemId}@{changed.LocationId}"),
            OccurredAt: changed.TriggeredAt,
            ReceivedAt: changed.ReceivedAt);
        await check.CheckAsync(mapping, Channel.Shopify, async ct => (await shopify.ReadAsync(mapping, ct)).Quantity, change, cancellationToken);
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

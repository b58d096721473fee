using System.Globalization;
using Azure;
using Azure.Data.Tables;
using FuncSync.Hosting.Storage;
using FuncSync.Storage;

namespace FuncSync.Shopify;

/// <summary>Per Shopify inventory level, the trigger time of the newest inventory_levels/update seen.
/// Shopify retries with the original payload for up to four hours, so an old report can arrive after a
/// newer one; it must never be taken for the current state. Rows live in the Watermarks table.</summary>
public sealed class ShopifyLevelWatermarks(StorageClients storage, StorageNames names, ShopPartition shop)
{
    private const int MaxAttempts = 5;

    /// <returns>False when a report triggered at or after <paramref name="triggeredAt"/> was seen already.</returns>
    public async Task<bool> TryAdvanceAsync(long inventoryItemId, long locationId, DateTimeOffset triggeredAt, CancellationToken cancellationToken)
    {
        var table = storage.Table(names.WatermarksTable);
        var key = TableKeys.Join("shopify-level", inventoryItemId.ToString(CultureInfo.InvariantCulture), locationId.ToString(CultureInfo.InvariantCulture));
        for (var attempt = 1; ; attempt++)
        {
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(shop.Key, key, cancellationToken: cancellationToken);
            if (existing.HasValue && existing.Value!.GetDateTimeOffset("TriggeredAt") is { } seen && seen >= triggeredAt)
            {
                return false;
            }

            var row = new TableEntity(shop.Key, key) { ["TriggeredAt"] = triggeredAt };
            try
            {
                if (existing.HasValue)
                {
                    await table.UpdateEntityAsync(row, existing.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await table.AddEntityAsync(row, cancellationToken);
                }

                return true;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // Another delivery for the same level recorded first: compare against its time.
            }
        }
    }
}

using System.Globalization;
using Azure;
using Azure.Data.Tables;
using FuncSync.Storage;

namespace FuncSync.Etsy;

/// <summary>The listings FuncSync deactivated to show zero, one row each. Only those are reactivated when stock
/// returns: a listing the seller switched off stays off.</summary>
public sealed class EtsyDeactivations(TableClient table, ShopPartition shop, TimeProvider time)
{
    public async Task<bool> IsDeactivatedByUsAsync(long listingId, CancellationToken cancellationToken) =>
        (await table.GetEntityIfExistsAsync<TableEntity>(shop.Key, Key(listingId), ["PartitionKey"], cancellationToken)).HasValue;

    /// <summary>Written before the listing is switched off: a crash in between leaves a row for an active listing,
    /// which is harmless (an active listing is never "reactivated"), never an unrecorded deactivation.</summary>
    public Task RecordAsync(long listingId, CancellationToken cancellationToken) =>
        table.UpsertEntityAsync(new TableEntity(shop.Key, Key(listingId)) { ["DeactivatedAt"] = time.GetUtcNow() }, TableUpdateMode.Replace, cancellationToken);

    public async Task ForgetAsync(long listingId, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(shop.Key, Key(listingId), ETag.All, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Already forgotten.
        }
    }

    private static string Key(long listingId) => listingId.ToString(CultureInfo.InvariantCulture);
}

using System.Globalization;
using Azure;
using Azure.Data.Tables;
using FuncSync.Storage;
using Microsoft.Extensions.Options;

namespace FuncSync.Ebay;

/// <summary>Revisions of each eBay listing in eBay's calendar day, shared by every instance: one row per listing and
/// day, spent ETag-guarded before the write is sent, so the count never trails eBay's. A revision is counted even when
/// its answer is lost (eBay may have applied it): the count errs high, never low. Kept in the channels' budget table
/// under its own partition.</summary>
public sealed class EbayRevisionBudget(TableClient table, ShopPartition shop, IOptions<EbayOptions> options, TimeProvider time)
{
    private string Partition => "ebay-revisions-" + shop.Key;

    /// <summary>Spends one revision of <paramref name="listingId"/> today when the rule allows it: a decrease while any
    /// revision is left, an increase only while more than the reserve for decreases is left.</summary>
    public async Task<RevisionSpend> TrySpendAsync(string listingId, bool decrease, CancellationToken cancellationToken)
    {
        var s = options.Value;
        var now = time.GetUtcNow();
        var row = RowKey(listingId, s.Day(now));
        while (true)
        {
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(Partition, row, cancellationToken: cancellationToken);
            var used = existing.HasValue ? existing.Value!.GetInt32("Used") ?? 0 : 0;
            var left = s.RevisionsPerListingPerDay - used;
            var allowed = decrease ? left > 0 : left > s.RevisionsReservedForDecreases;
            if (!allowed)
            {
                return new RevisionSpend(false, used, left, s.NextDay(now));
            }

            var entity = new TableEntity(Partition, row) { ["Used"] = used + 1, ["ListingId"] = listingId, ["LastAt"] = now };
            try
            {
                if (existing.HasValue)
                {
                    await table.UpdateEntityAsync(entity, existing.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await table.AddEntityAsync(entity, cancellationToken);
                }

                return new RevisionSpend(true, used + 1, left - 1, s.NextDay(now));
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Another push of this listing spent one meanwhile: count again.
            }
        }
    }

    /// <summary>eBay refused a revision as over its daily limit (the seller revised the listing elsewhere too): nothing
    /// more is spent on it today.</summary>
    public async Task ExhaustAsync(string listingId, CancellationToken cancellationToken)
    {
        var s = options.Value;
        var now = time.GetUtcNow();
        var entity = new TableEntity(Partition, RowKey(listingId, s.Day(now))) { ["Used"] = s.RevisionsPerListingPerDay, ["ListingId"] = listingId, ["LastAt"] = now };
        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>Revisions of the listing counted today.</summary>
    public async Task<int> UsedTodayAsync(string listingId, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(Partition, RowKey(listingId, options.Value.Day(time.GetUtcNow())), cancellationToken: cancellationToken);
        return row.HasValue ? row.Value!.GetInt32("Used") ?? 0 : 0;
    }

    private static string RowKey(string listingId, DateOnly day) =>
        TableKeys.Escape(listingId) + "-" + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
}

/// <param name="Spent">The revision may be made.</param>
/// <param name="Left">Revisions left today after this one (or without it, when not spent).</param>
/// <param name="NextDay">When eBay's next calendar day, and a fresh budget, begins.</param>
public sealed record RevisionSpend(bool Spent, int Used, int Left, DateTimeOffset NextDay);

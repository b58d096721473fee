using Azure;
using Azure.Data.Tables;
using FuncSync.Ledger;
using FuncSync.Storage;

namespace FuncSync.Catalog;

/// <summary>The SKU map in Table Storage: a row per SKU with its listings, and a reverse row per
/// listing so a sale on a channel finds its SKU with one point read.</summary>
public sealed class SkuMapStore(TableClient table, ShopPartition shop)
{
    private const string SkuPrefix = "sku";
    private const string ListingPrefix = "listing";

    public async Task UpsertAsync(SkuMapping mapping, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await TryUpsertAsync(mapping, cancellationToken);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < 10)
            {
                // Another import touched the same rows; read them again.
            }
        }
    }

    /// <summary>A SKU's mapping, with the composed SKUs that use it; null when nobody mapped it.</summary>
    public async Task<SkuMapping?> GetAsync(string sku, CancellationToken cancellationToken)
    {
        var row = await ReadAsync(sku, cancellationToken);
        return row is not null && row.GetBoolean("Mapped") != false ? FromEntity(row) : null;
    }

    /// <summary>The composed SKUs (bundles, made-to-order listings) that use <paramref name="part"/>.</summary>
    public async Task<IReadOnlyList<string>> ParentsOfAsync(string part, CancellationToken cancellationToken) =>
        UsedBy(await ReadAsync(part, cancellationToken));

    private async Task TryUpsertAsync(SkuMapping mapping, CancellationToken cancellationToken)
    {
        var existingRow = await ReadAsync(mapping.Sku, cancellationToken);
        var existing = existingRow is not null && existingRow.GetBoolean("Mapped") != false ? FromEntity(existingRow) : null;
        var entity = ToEntity(mapping);

        // Which composed SKUs use this one is kept on its own row, so a sale finds them with the read
        // it makes anyway; re-mapping the SKU keeps that list.
        entity["UsedBy"] = existingRow?.GetString("UsedBy");
        var actions = new List<TableTransactionAction>
        {
            existingRow is null
                ? new(TableTransactionActionType.Add, entity)
                : new(TableTransactionActionType.UpdateReplace, entity, existingRow.ETag),
        };

        var current = mapping.Listings.ToHashSet();
        foreach (var listing in current)
        {
            var reverse = new TableEntity(shop.Key, ListingKey(listing)) { ["Sku"] = mapping.Sku };
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, reverse));
        }

        // A listing moved to another SKU (or dropped) must stop resolving to this one.
        foreach (var stale in existing?.Listings.Where(l => !current.Contains(l)) ?? [])
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(shop.Key, ListingKey(stale)), ETag.All));
        }

        var parts = mapping.Parts.Select(c => c.Sku).ToHashSet(StringComparer.Ordinal);
        var dropped = (existing?.Parts.Select(c => c.Sku) ?? []).Where(p => !parts.Contains(p)).ToHashSet(StringComparer.Ordinal);
        foreach (var part in parts.Concat(dropped))
        {
            var partRow = await ReadAsync(part, cancellationToken);
            var usedBy = UsedBy(partRow).ToHashSet(StringComparer.Ordinal);
            var changed = parts.Contains(part) ? usedBy.Add(mapping.Sku) : usedBy.Remove(mapping.Sku);
            if (!changed)
            {
                continue;
            }

            // A part nobody mapped yet gets a placeholder row that only carries the list.
            var update = new TableEntity(shop.Key, SkuKey(part)) { ["UsedBy"] = string.Join(';', usedBy.Order(StringComparer.Ordinal)) };
            actions.Add(partRow is null
                ? new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(update) { ["Sku"] = part, ["Mapped"] = false })
                : new TableTransactionAction(TableTransactionActionType.UpdateMerge, update, partRow.ETag));
        }

        await table.SubmitTransactionAsync(TableBatch.Validate(actions), cancellationToken);
    }

    private async Task<TableEntity?> ReadAsync(string sku, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(shop.Key, SkuKey(sku), cancellationToken: cancellationToken);
        return row.HasValue ? row.Value : null;
    }

    private static string[] UsedBy(TableEntity? row) =>
        row?.GetString("UsedBy") is { Length: > 0 } text ? text.Split(';') : [];

    private static string SkuKey(string sku) => TableKeys.Join(SkuPrefix, sku);

    public async Task<string?> FindSkuAsync(ListingRef listing, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(shop.Key, ListingKey(listing), ["Sku"], cancellationToken);
        return row.HasValue ? row.Value!.GetString("Sku") : null;
    }

    public async IAsyncEnumerable<SkuMapping> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var from = SkuPrefix + TableKeys.Separator;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {shop.Key} and RowKey ge {from} and RowKey lt {TableKeys.PrefixEnd(from)}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (row.GetBoolean("Mapped") != false)
            {
                yield return FromEntity(row);
            }
        }
    }

    private static string ListingKey(ListingRef listing) => TableKeys.Join(ListingPrefix, listing.Channel.ToString(), listing.Key);


    private TableEntity ToEntity(SkuMapping mapping)
    {
        var entity = new TableEntity(shop.Key, SkuKey(mapping.Sku))
        {
            ["Sku"] = mapping.Sku,
            ["Title"] = mapping.Title,
        };
        if (mapping.Shopify is { } shopify)
        {
            entity["ShopifyVariantId"] = shopify.VariantId;
            entity["ShopifyInventoryItemId"] = shopify.InventoryItemId;
            entity["ShopifyLocationId"] = shopify.LocationId;
            entity["ShopifyProductId"] = shopify.ProductId;
        }

        if (mapping.Etsy is { } etsy)
        {
            entity["EtsyListingId"] = etsy.ListingId;
            entity["EtsySku"] = etsy.Sku;
        }

        if (mapping.IsComposed)
        {
            entity["Components"] = ComponentList.Format(mapping.Parts);
        }

        entity["LeadTimeDays"] = mapping.LeadTimeDays;
        entity["LowStock"] = mapping.LowStock;
        return entity;
    }

    private static SkuMapping FromEntity(TableEntity row)
    {
        var shopify = row.GetInt64("ShopifyVariantId") is { } variant
            ? new ShopifyListing(variant, row.GetInt64("ShopifyInventoryItemId") ?? 0, row.GetInt64("ShopifyLocationId") ?? 0, row.GetInt64("ShopifyProductId"))
            : null;
        var etsy = row.GetInt64("EtsyListingId") is { } listing
            ? new EtsyListing(listing, row.GetString("EtsySku") ?? string.Empty)
            : null;
        var components = row.GetString("Components") is { Length: > 0 } text ? ComponentList.Parse(text) : null;
        return new SkuMapping(row.GetString("Sku"), row.GetString("Title") ?? string.Empty, shopify, etsy, components) { UsedBy = UsedBy(row), LeadTimeDays = row.GetInt32("LeadTimeDays"), LowStock = row.GetInt32("LowStock") };
    }
}

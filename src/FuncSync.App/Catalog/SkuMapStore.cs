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
    private const string UsedByPrefix = "usedby";

    public async Task UpsertAsync(SkuMapping mapping, CancellationToken cancellationToken)
    {
        var existing = await GetAsync(mapping.Sku, cancellationToken);
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.UpsertReplace, ToEntity(mapping)),
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

        // Reverse rows let a change to a part find every bundle and made-to-order listing built from it.
        var parts = mapping.Parts.Select(c => c.Sku).ToHashSet(StringComparer.Ordinal);
        foreach (var part in parts)
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(shop.Key, UsedByKey(part, mapping.Sku)) { ["Parent"] = mapping.Sku }));
        }

        foreach (var dropped in existing?.Parts.Select(c => c.Sku).Where(p => !parts.Contains(p)).Distinct(StringComparer.Ordinal) ?? [])
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(shop.Key, UsedByKey(dropped, mapping.Sku)), ETag.All));
        }

        await table.SubmitTransactionAsync(TableBatch.Validate(actions), cancellationToken);
    }

    public async Task<SkuMapping?> GetAsync(string sku, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(shop.Key, TableKeys.Join(SkuPrefix, sku), cancellationToken: cancellationToken);
        return row.HasValue ? FromEntity(row.Value!) : null;
    }

    public async Task<string?> FindSkuAsync(ListingRef listing, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(shop.Key, ListingKey(listing), ["Sku"], cancellationToken);
        return row.HasValue ? row.Value!.GetString("Sku") : null;
    }

    /// <summary>The composed SKUs (bundles, made-to-order listings) that use <paramref name="part"/>.</summary>
    public async Task<IReadOnlyList<string>> ParentsOfAsync(string part, CancellationToken cancellationToken)
    {
        var from = TableKeys.Join(UsedByPrefix, part) + TableKeys.Separator;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {shop.Key} and RowKey ge {from} and RowKey lt {TableKeys.PrefixEnd(from)}");
        var parents = new List<string>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["Parent"], cancellationToken: cancellationToken))
        {
            parents.Add(row.GetString("Parent"));
        }

        return parents;
    }

    public async IAsyncEnumerable<SkuMapping> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var from = SkuPrefix + TableKeys.Separator;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {shop.Key} and RowKey ge {from} and RowKey lt {TableKeys.PrefixEnd(from)}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            yield return FromEntity(row);
        }
    }

    private static string ListingKey(ListingRef listing) => TableKeys.Join(ListingPrefix, listing.Channel.ToString(), listing.Key);

    private static string UsedByKey(string part, string parent) => TableKeys.Join(UsedByPrefix, part, parent);

    private TableEntity ToEntity(SkuMapping mapping)
    {
        var entity = new TableEntity(shop.Key, TableKeys.Join(SkuPrefix, mapping.Sku))
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
        return new SkuMapping(row.GetString("Sku"), row.GetString("Title") ?? string.Empty, shopify, etsy, components);
    }
}

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
        return new SkuMapping(row.GetString("Sku"), row.GetString("Title") ?? string.Empty, shopify, etsy);
    }
}

using System.Globalization;
using System.Text.Json.Nodes;
using FuncSync.Alerts;
using FuncSync.Catalog;
using FuncSync.Domain;
using FuncSync.Ledger;
using FuncSync.Push;

namespace FuncSync.Shopify;

/// <summary>The fix the SellsPastZero alert offers, done only when the seller asks: "Track quantity" on for the
/// variant's inventory item (<c>inventoryItemUpdate</c>) and selling past zero off (<c>productVariantsBulkUpdate</c>
/// with <c>inventoryPolicy: DENY</c>), so Shopify stops selling at the 0 FuncSync writes.</summary>
public sealed class ShopifyStockGuards(SkuMapStore map, ShopifyInventory shopify, AlertSender alerts)
{
    /// <summary>A variant's guard as Shopify reports it, with the step that fixes it: the seller's two settings, or the
    /// route that has FuncSync switch both.</summary>
    public static Mapping.StockGuard Guard(string variantId, bool tracked, bool sellsPastZero) => new(
        tracked,
        sellsPastZero,
        $"Turn \"Track quantity\" on and \"Continue selling when out of stock\" off in Shopify, or let FuncSync do both: POST /api/shopify/listings/{variantId}/guard.");

    private const string TrackMutation =
        "mutation Track($id: ID!, $input: InventoryItemInput!) { inventoryItemUpdate(id: $id, input: $input) { inventoryItem { id tracked } userErrors { field message } } }";

    private const string DenyMutation =
        "mutation Deny($productId: ID!, $variants: [ProductVariantsBulkInput!]!) { productVariantsBulkUpdate(productId: $productId, variants: $variants) { productVariants { id inventoryPolicy } userErrors { field message } } }";

    // A mutation's requested cost on Shopify's calculated-cost scale.
    private const int MutationCost = 10;

    /// <returns>The SKU whose variant was guarded, or null when no SKU maps to <paramref name="variantKey"/> (or its
    /// mapping lacks the product id the policy mutation needs).</returns>
    public async Task<string?> GuardAsync(string variantKey, CancellationToken cancellationToken)
    {
        var listing = new ListingRef(Channel.Shopify, variantKey);
        if (await map.FindSkuAsync(listing, cancellationToken) is not { } sku
            || await map.GetAsync(sku, cancellationToken) is not { Shopify: { ProductId: { } productId } variant })
        {
            return null;
        }

        var tracked = await shopify.QueryAsync(TrackMutation, new JsonObject
        {
            ["id"] = Gid("InventoryItem", variant.InventoryItemId),
            ["input"] = new JsonObject { ["tracked"] = true },
        }, MutationCost, cancellationToken);
        ThrowOnUserErrors(tracked["inventoryItemUpdate"], "inventoryItemUpdate");
        var denied = await shopify.QueryAsync(DenyMutation, new JsonObject
        {
            ["productId"] = Gid("Product", productId),
            ["variants"] = new JsonArray(new JsonObject { ["id"] = Gid("ProductVariant", variant.VariantId), ["inventoryPolicy"] = "DENY" }),
        }, MutationCost, cancellationToken);
        ThrowOnUserErrors(denied["productVariantsBulkUpdate"], "productVariantsBulkUpdate");
        await alerts.ClearAsync(AlertKind.SellsPastZero, Mapping.MappingAuditor.GuardKey(listing), cancellationToken);
        return sku;
    }

    private static void ThrowOnUserErrors(JsonNode? payload, string mutation)
    {
        if (payload?["userErrors"] is JsonArray { Count: > 0 } errors)
        {
            throw new ChannelRequestException($"Shopify refused {mutation}: {errors.ToJsonString()}");
        }
    }

    private static string Gid(string type, long id) => string.Create(CultureInfo.InvariantCulture, $"gid://shopify/{type}/{id}");
}

using System.Globalization;
using System.Text.Json.Nodes;
using FuncSync.Domain;
using FuncSync.Ledger;
using FuncSync.Mapping;

namespace FuncSync.Shopify;

/// <summary>The mapping audit's read of Shopify: every variant with its SKU, through <c>productVariants</c> a page at
/// a time (<c>pageInfo { hasNextPage endCursor }</c>). A flat connection rather than <c>products { variants }</c>: its
/// requested cost is 2 + 3 per node whatever the products look like, where nested variants would price every
/// product at its largest possible variant page and need a second, nested pagination.</summary>
public sealed class ShopifyCatalogReader(ShopifyInventory shopify) : IChannelCatalogReader
{
    public const int PageSize = 100;

    private const string Query =
        "query Variants($first: Int!, $after: String) { productVariants(first: $first, after: $after) { pageInfo { hasNextPage endCursor } nodes { id sku title inventoryPolicy product { id title } inventoryItem { id tracked } } } }";

    public Channel Channel => Channel.Shopify;

    public async Task<ChannelCatalog> ReadAsync(CancellationToken cancellationToken)
    {
        var listings = new List<CatalogListing>();
        string? after = null;
        var requests = 0;
        do
        {
            var data = await shopify.QueryAsync(Query, new JsonObject { ["first"] = PageSize, ["after"] = after }, 2 + (3 * PageSize), cancellationToken);
            requests++;
            var page = data["productVariants"] ?? throw new Push.ChannelRequestException("Shopify returned no productVariants.");
            foreach (var node in page["nodes"]?.AsArray() ?? [])
            {
                var variantId = IdOf((string?)node?["id"]);
                listings.Add(new CatalogListing(
                    new ListingRef(Channel.Shopify, variantId.ToString(CultureInfo.InvariantCulture)),
                    (string?)node!["sku"],
                    (string?)node["product"]?["title"] ?? (string?)node["title"] ?? string.Empty,
                    IdOf((string?)node["product"]?["id"]).ToString(CultureInfo.InvariantCulture))
                {
                    Guard = ShopifyStockGuards.Guard(
                        variantId.ToString(CultureInfo.InvariantCulture),
                        (bool?)node["inventoryItem"]?["tracked"] ?? true,
                        string.Equals((string?)node["inventoryPolicy"], "CONTINUE", StringComparison.Ordinal)),
                });
            }

            after = page["pageInfo"]?["hasNextPage"]?.GetValue<bool>() == true ? (string?)page["pageInfo"]!["endCursor"] : null;
        }
        while (after is not null);

        return new ChannelCatalog(Channel.Shopify, listings, requests);
    }

    private static long IdOf(string? gid) =>
        gid is not null && long.TryParse(gid.AsSpan(gid.LastIndexOf('/') + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new Push.ChannelRequestException($"Shopify returned a malformed id '{gid}'.");
}

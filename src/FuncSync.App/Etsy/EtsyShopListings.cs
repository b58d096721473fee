using System.Text.Json.Nodes;

namespace FuncSync.Etsy;

/// <summary>Every listing of the shop that can sell or come back, with its inventory: getListingsByShop page by page
/// for each state, through the shared Etsy request budget. A listing that came without its inventory is read with
/// getListingInventory.</summary>
public sealed class EtsyShopListings(EtsyApi api)
{
    /// <summary>Listings in these states still exist for the seller; draft and expired ones sell nothing but are not gone.</summary>
    public static readonly IReadOnlyList<string> States = ["active", "inactive", "sold_out", "draft", "expired"];

    public async Task<(IReadOnlyList<EtsyShopListing> Listings, int Requests)> ReadAllAsync(CancellationToken cancellationToken)
    {
        var listings = new List<EtsyShopListing>();
        var requests = 0;
        foreach (var state in States)
        {
            for (var offset = 0; ;)
            {
                var page = await api.GetListingsByShopAsync(state, offset, cancellationToken);
                requests++;
                var results = page["results"]?.AsArray() ?? [];
                foreach (var listing in results.OfType<JsonObject>())
                {
                    var id = (long)listing["listing_id"]!;
                    if (listing["inventory"] is not JsonObject inventory)
                    {
                        inventory = await api.GetListingInventoryAsync(id, cancellationToken);
                        requests++;
                    }

                    listings.Add(new EtsyShopListing(
                        id,
                        (string?)listing["title"] ?? string.Empty,
                        (string?)listing["state"] ?? state,
                        listing["last_modified_timestamp"] is { } modified ? DateTimeOffset.FromUnixTimeSeconds((long)modified) : null,
                        inventory));
                }

                offset += results.Count;
                if (results.Count == 0 || offset >= ((int?)page["count"] ?? 0))
                {
                    break;
                }
            }
        }

        return (listings, requests);
    }
}

/// <param name="Inventory">As getListingInventory answers it: products with SKUs and offerings.</param>
public sealed record EtsyShopListing(long ListingId, string Title, string State, DateTimeOffset? ModifiedAt, JsonObject Inventory)
{
    public IEnumerable<string> Skus =>
        ((JsonArray?)Inventory["products"] ?? []).OfType<JsonObject>().Where(p => (bool?)p["is_deleted"] != true).Select(p => (string?)p["sku"] ?? string.Empty);
}

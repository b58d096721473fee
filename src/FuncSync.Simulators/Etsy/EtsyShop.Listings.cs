using System.Text.Json.Nodes;
using FuncSync.Simulators.Hosting;

namespace FuncSync.Simulators.Etsy;

internal sealed partial class EtsyShop
{
    /// <summary>getListingsByShop: the shop's listings in one state, by listing id, a page at a time; with
    /// includes=Inventory each listing carries its inventory, as getListingInventory would answer it.</summary>
    public JsonObject QueryListings(EtsyListingQuery query)
    {
        lock (_gate)
        {
            var matching = _listings.Values.Where(l => string.Equals(l.State, query.State, StringComparison.Ordinal)).OrderBy(l => l.ListingId).ToList();
            var page = matching.Skip(query.Offset).Take(query.Limit).Select(l =>
            {
                var json = EtsyJson.Listing(l, _options.ShopId, _sellerUserId, _options.CurrencyCode);
                if (query.IncludeInventory)
                {
                    var inventory = EtsyJson.Inventory(l, _options.CurrencyCode);
                    inventory.Remove("listing");
                    json["inventory"] = inventory;
                }

                return (JsonNode?)json;
            });
            return new JsonObject { ["count"] = matching.Count, ["results"] = SimulatorJson.Array(page) };
        }
    }

    /// <summary>The seller types a new quantity in Etsy's Shop Manager: no event reaches FuncSync.</summary>
    public void EditQuantity(long listingId, string sku, int quantity, long now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(quantity);
        lock (_gate)
        {
            var listing = Listing(listingId);
            listing.FindBySku(sku).Quantity = quantity;
            listing.UpdatedAt = now;
        }
    }

    public void DeleteListing(long listingId)
    {
        lock (_gate)
        {
            if (!_listings.Remove(listingId))
            {
                throw new KeyNotFoundException($"No listing {listingId}.");
            }
        }
    }
}

namespace FuncSync.Simulators.Etsy;

public sealed partial class EtsySimulator
{
    /// <summary>The seller changes a product's quantity in Shop Manager. Etsy sends no event for it, so FuncSync only
    /// learns of it by reading the listing (reconciliation).</summary>
    public void EditQuantityInShopManager(long listingId, string sku, int quantity) => _shop.EditQuantity(listingId, sku, quantity, Now());

    /// <summary>The seller deletes the listing.</summary>
    public void DeleteListing(long listingId) => _shop.DeleteListing(listingId);
}

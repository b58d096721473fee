namespace FuncSync.Simulators.Shopify;

public sealed partial class ShopifySimulator
{
    /// <summary>"available" changes and FuncSync is never told: a lost inventory_levels/update delivery, or a shop
    /// without that subscription. Only reconciliation can find it.</summary>
    public void SetAvailableWithoutWebhook(long inventoryItemId, long locationId, int available) =>
        _store.SetAvailable(inventoryItemId, locationId, available);

    /// <summary>Deletes a variant and its inventory item, as the Shopify admin does; no webhook is sent.</summary>
    public void DeleteVariant(long variantId) => _store.DeleteVariant(variantId);
}

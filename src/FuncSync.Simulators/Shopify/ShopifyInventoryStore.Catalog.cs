namespace FuncSync.Simulators.Shopify;

internal sealed partial class ShopifyInventoryStore
{
    /// <summary>A page of the shop's variants in id order, after <paramref name="afterVariantId"/> (0: from the start).</summary>
    public (IReadOnlyList<ShopifyVariant> Page, bool HasNext) VariantsAfter(long afterVariantId, int count)
    {
        lock (_gate)
        {
            var rest = _variants.Values.Where(v => v.VariantId > afterVariantId).OrderBy(v => v.VariantId).Take(count + 1).ToList();
            return (rest.Take(count).ToList(), rest.Count > count);
        }
    }

    /// <summary>Deletes a variant with its inventory item, as deleting a variant in the Shopify admin does.</summary>
    public void DeleteVariant(long variantId)
    {
        lock (_gate)
        {
            if (_variants.Remove(variantId, out var variant))
            {
                _items.Remove(variant.InventoryItemId);
                foreach (var key in _levels.Keys.Where(k => k.Item == variant.InventoryItemId).ToList())
                {
                    _levels.Remove(key);
                }
            }
        }
    }
}

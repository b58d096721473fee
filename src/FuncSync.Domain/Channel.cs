namespace FuncSync.Domain;

/// <summary>A sales channel FuncSync keeps in step with the master ledger.</summary>
public enum Channel
{
    Shopify,
    Etsy,
    Square,
    WooCommerce,
    Ebay,
    Amazon,
}

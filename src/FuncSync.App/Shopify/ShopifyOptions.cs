using System.ComponentModel.DataAnnotations;

namespace FuncSync.Shopify;

/// <summary>The connected Shopify store. Secrets come from configuration only (app settings, Key Vault
/// references, local.settings.json) and never appear in logs.</summary>
public sealed class ShopifyOptions
{
    public const string Section = "Shopify";

    /// <summary>The store's <c>*.myshopify.com</c> domain; webhooks from any other shop are refused.</summary>
    [Required]
    public string ShopDomain { get; set; } = string.Empty;

    /// <summary>Admin API base address: <c>https://{shop}.myshopify.com/</c>, or a simulator.</summary>
    [Required]
    public Uri? AdminApiBaseUrl { get; set; }

    /// <summary>Pinned Admin API version; 2026-04 makes <c>changeFromQuantity</c> mandatory.</summary>
    [Required]
    public string ApiVersion { get; set; } = "2026-04";

    [Required]
    public string AccessToken { get; set; } = string.Empty;

    /// <summary>The app's client secret: Shopify signs webhooks with it.</summary>
    [Required]
    public string WebhookSecret { get; set; } = string.Empty;
}

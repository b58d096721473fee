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

    /// <summary>The secret before a rotation. Shopify may keep signing with it for a while after the
    /// switch, so it is accepted until <see cref="PreviousWebhookSecretValidUntil"/>.</summary>
    public string? PreviousWebhookSecret { get; set; }

    /// <summary>End of the rotation window; without it the previous secret is not accepted at all.</summary>
    public DateTimeOffset? PreviousWebhookSecretValidUntil { get; set; }

    /// <summary>The seller's capture point: <c>orders/create</c> (stock leaves at checkout) or
    /// <c>orders/paid</c> (at payment). The other topic is acknowledged and ignored.</summary>
    [RegularExpression("^orders/(create|paid)$")]
    public string SaleTopic { get; set; } = "orders/create";

    /// <summary>How long an inventory_levels/update settles before it is compared with what FuncSync
    /// last saw: long enough for the sale or push that caused it to reach the push record first.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan LevelCheckDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The shop plan's GraphQL restore rate in points per second (Standard 100, Advanced 200,
    /// Plus 1000, Enterprise 2000). Used until Shopify reports its own figures in a response.</summary>
    [Range(1, 100_000)]
    public int PlanRestoreRate { get; set; } = 100;

    /// <summary>This app's public address (e.g. <c>https://funcsync-x.azurewebsites.net/</c>). When set, the webhook
    /// subscriptions are made to point at <c>api/webhooks/shopify</c> under it at start-up and on
    /// <c>POST /api/shopify/subscriptions</c>.</summary>
    public Uri? WebhookBaseUrl { get; set; }

    /// <summary>NCRONTAB schedule of the orders poll that catches what lost webhooks never brought (every 5 minutes).</summary>
    [Required]
    public string OrderPollSchedule { get; set; } = "0 */5 * * * *";

    /// <summary>How far before its watermark each orders poll reads again: an order Shopify's search index showed late, or
    /// whose update landed on the edge of the last pass, is still seen. The events' ids make the repeat harmless.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan OrderPollOverlap { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Orders updated this recently are left to their webhooks: the poll reads up to now minus this, and its
    /// watermark never passes that point. A sale the ledger still lacks after this long had its webhook lost or late.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan OrderPollSettle { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>The seller sells from several locations: what a listing shows is the sum of "available" over all of
    /// them. FuncSync still writes only the SKU's own location, so that the sum becomes the ledger's number.</summary>
    public bool ReadAllLocations { get; set; }
}

using System.ComponentModel.DataAnnotations;

namespace FuncSync.WooCommerce;

/// <summary>The seller's WooCommerce website. Secrets come from configuration only and never appear in logs.</summary>
public sealed class WooCommerceOptions
{
    public const string Section = "WooCommerce";

    /// <summary>The site's address (<c>https://shop.example/</c>); the REST API is below <c>wp-json/wc/v3/</c>. Its
    /// presence turns the channel on.</summary>
    [Required]
    public Uri? StoreUrl { get; set; }

    /// <summary>A REST API key's consumer key (<c>ck_…</c>), with read/write permission.</summary>
    [Required]
    public string ConsumerKey { get; set; } = string.Empty;

    /// <summary>The key's consumer secret (<c>cs_…</c>). Sent as HTTP Basic credentials, which WooCommerce accepts over
    /// HTTPS only.</summary>
    [Required]
    public string ConsumerSecret { get; set; } = string.Empty;

    /// <summary>The secret of the webhooks pointed at <c>/api/webhooks/woocommerce</c>: each delivery is signed with it.</summary>
    [Required]
    public string WebhookSecret { get; set; } = string.Empty;

    /// <summary>The delivery URL the website's webhooks must point at (this app's <c>…/api/webhooks/woocommerce</c>), shown
    /// in the alert when they stop. Unset, any delivery URL ending in <c>/api/webhooks/woocommerce</c> counts as
    /// FuncSync's.</summary>
    public Uri? WebhookUrl { get; set; }

    /// <summary>How long a sale the orders poll caught may stand with no webhook delivery at all after it before the
    /// webhooks are judged stopped though WooCommerce lists them active (a blocked or wrong URL, a stalled Action
    /// Scheduler). Longer than the 10 to 120 minutes a quiet site's deliveries run late.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan WebhookSilence { get; set; } = TimeSpan.FromHours(3);

    /// <summary>NCRONTAB schedule of the orders poll, the backstop for deliveries WooCommerce never retries.</summary>
    [Required]
    public string OrderPollSchedule { get; set; } = "0 */2 * * * *";

    /// <summary>How far back each pass re-reads before its watermark, for orders saved late in the last one.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan OrderPollOverlap { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long an order's last change must be in the past before the poll reads up to it: the window a
    /// save still in progress may show up in late.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan OrderPollSettle { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a <c>product.updated</c> settles before the stock it shows is compared with what FuncSync
    /// explains: long enough for the order that moved it to reach the ledger first.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan LevelCheckDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How far back a level check looks for the product's orders before it judges a change, so that a sale
    /// whose webhook was lost is imported as a sale, not taken as an edit.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan LevelCheckOrderLookback { get; set; } = TimeSpan.FromDays(1);
}

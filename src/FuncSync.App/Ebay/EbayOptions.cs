using System.ComponentModel.DataAnnotations;
using FuncSync.Channels.Auth;

namespace FuncSync.Ebay;

/// <summary>The connected eBay seller and FuncSync's eBay application. Secrets (client secret, refresh token,
/// verification token) come from configuration only and never appear in logs.</summary>
public sealed class EbayOptions
{
    public const string Section = "Ebay";

    /// <summary><c>https://api.ebay.com/</c>, or a simulator. Its presence turns the channel on.</summary>
    [Required]
    public Uri? ApiBaseUrl { get; set; }

    /// <summary>The application keyset's App ID (client id).</summary>
    [Required]
    public string ClientId { get; set; } = string.Empty;

    /// <summary>The keyset's Cert ID (client secret).</summary>
    [Required]
    public string ClientSecret { get; set; } = string.Empty;

    /// <summary>The seller's refresh token from their consent (valid 18 months). Access tokens are minted from it and
    /// kept in the shared token store.</summary>
    [Required]
    public string RefreshToken { get; set; } = string.Empty;

    /// <summary>The scopes the consent granted, asked for again on each refresh.</summary>
    public string Scopes { get; set; } = "https://api.ebay.com/oauth/api_scope/sell.inventory https://api.ebay.com/oauth/api_scope/sell.fulfillment https://api.ebay.com/oauth/api_scope/sell.account.readonly";

    /// <summary>The marketplace whose offers FuncSync writes (one offer per SKU there).</summary>
    public string MarketplaceId { get; set; } = "EBAY_US";

    /// <summary>The notification destination's endpoint exactly as registered: the challenge answer hashes it, so it is
    /// taken from here, never rebuilt from the request.</summary>
    [Required]
    public Uri? NotificationUrl { get; set; }

    /// <summary>The destination's verification token (32 to 80 characters, as eBay requires).</summary>
    [Required]
    [StringLength(80, MinimumLength = 32)]
    public string VerificationToken { get; set; } = string.Empty;

    /// <summary>eBay limits revisions to 250 per listing per calendar day; the 251st is refused until the next day.</summary>
    [Range(1, 250)]
    public int RevisionsPerListingPerDay { get; set; } = 250;

    /// <summary>Revisions of a listing kept for decreases: once no more than this many are left today, increases wait
    /// for the next day (a unit not shown costs less than one sold twice) and the seller is alerted.</summary>
    [Range(0, 249)]
    public int RevisionsReservedForDecreases { get; set; } = 50;

    /// <summary>eBay's calendar day for the revision limit and the call quota: eBay keeps Pacific time.</summary>
    [Required]
    public string CalendarTimeZone { get; set; } = "America/Los_Angeles";

    /// <summary>API calls the application may make per day (about 5,000 before eBay's Application Growth Check).</summary>
    [Range(1, int.MaxValue)]
    public int DailyCallQuota { get; set; } = 5_000;

    /// <summary>Calls kept for pushes: at this many left the health check reports degraded.</summary>
    [Range(0, int.MaxValue)]
    public int CallsReservedForPushes { get; set; } = 500;

    /// <summary>How often the orders poll runs (NCRONTAB), the backstop for lost notifications.</summary>
    public string OrderPollSchedule { get; set; } = "0 */2 * * * *";

    /// <summary>Each poll re-reads this much before its watermark (an order modified at the edge of the last pass).</summary>
    public TimeSpan OrderPollOverlap { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A poll reads up to now minus this: eBay's order search lags its own writes a little.</summary>
    public TimeSpan OrderPollSettle { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a notification signing key fetched by kid is kept (eBay's SDKs cache it about an hour).</summary>
    public TimeSpan PublicKeyCacheDuration { get; set; } = TimeSpan.FromHours(1);

    public static OAuthTokenSettings TokenSettings() =>
        new(string.Empty, TimeSpan.FromMinutes(5), "set Ebay:RefreshToken to the seller's refresh token from eBay's consent");

    public TimeZoneInfo CalendarZone() => TimeZoneInfo.FindSystemTimeZoneById(CalendarTimeZone);

    /// <summary>eBay's calendar day at <paramref name="at"/>.</summary>
    public DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, CalendarZone()).DateTime);

    /// <summary>When eBay's next calendar day begins after <paramref name="at"/>.</summary>
    public DateTimeOffset NextDay(DateTimeOffset at)
    {
        var zone = CalendarZone();
        var local = TimeZoneInfo.ConvertTime(at, zone);
        var midnight = local.Date.AddDays(1);
        return new DateTimeOffset(midnight, zone.GetUtcOffset(midnight));
    }
}

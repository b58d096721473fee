using System.ComponentModel.DataAnnotations;

namespace FuncSync.Etsy;

/// <summary>The connected Etsy shop. Etsy requires <c>x-api-key: keystring:shared_secret</c> on every
/// request (since February 2026) plus the OAuth bearer token.</summary>
public sealed class EtsyOptions
{
    public const string Section = "Etsy";

    /// <summary><c>https://openapi.etsy.com/</c>, or a simulator.</summary>
    [Required]
    public Uri? ApiBaseUrl { get; set; }

    [Range(1, long.MaxValue)]
    public long ShopId { get; set; }

    [Required]
    public string Keystring { get; set; } = string.Empty;

    [Required]
    public string SharedSecret { get; set; } = string.Empty;

    [Required]
    public string AccessToken { get; set; } = string.Empty;

    /// <summary>Six-field NCRONTAB for the receipt poll. Etsy's default budget is 10 requests/s and
    /// 10,000 a day; every 15 s is about 5,800 polls a day when idle.</summary>
    [Required]
    public string PollSchedule { get; set; } = "*/15 * * * * *";

    /// <summary>Etsy's per-second request limit for this app (10 unless Etsy raised it): requests wait
    /// their turn on FuncSync's side rather than collect 429s.</summary>
    [Range(1, 1000)]
    public int QueriesPerSecond { get; set; } = 10;

    /// <summary>How far behind the watermark each poll starts again. Etsy's timestamps are whole seconds
    /// and a receipt can become visible after a later one; the dedupe makes the overlap free.</summary>
    [Range(0, 86_400)]
    public int OverlapSeconds { get; set; } = 300;

    /// <summary>How far back the very first poll looks, before any watermark exists.</summary>
    [Range(0, 30 * 86_400)]
    public int InitialLookbackSeconds { get; set; } = 86_400;
}

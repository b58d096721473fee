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

    /// <summary>A static bearer token, used while no shop is connected through OAuth (the demo and the tests
    /// connect this way). Once <c>/api/etsy/oauth/callback</c> stored a connection, its tokens win.</summary>
    public string AccessToken { get; set; } = string.Empty;

    /// <summary>The HTTPS callback registered with the Etsy app; null derives it from the start request
    /// (<c>{scheme}://{host}/api/etsy/oauth/callback</c>).</summary>
    public Uri? OAuthRedirectUri { get; set; }

    /// <summary>Etsy's consent page; null: <c>https://www.etsy.com/oauth/connect</c> for Etsy, or
    /// <c>{ApiBaseUrl}oauth/connect</c> for a simulator.</summary>
    public Uri? OAuthConnectUrl { get; set; }

    /// <summary>Etsy's token endpoint; null: <c>https://api.etsy.com/v3/public/oauth/token</c> for Etsy, or
    /// <c>{ApiBaseUrl}v3/public/oauth/token</c> for a simulator.</summary>
    public Uri? OAuthTokenUrl { get; set; }

    /// <summary>How long before expiry an access token is refreshed (Etsy's live an hour).</summary>
    [Range(0, 3000)]
    public int TokenRefreshSkewSeconds { get; set; } = 300;

    /// <summary>The ORDER_PAID endpoint's signing secret (<c>whsec_...</c>, from Etsy's webhook portal);
    /// empty turns the webhook off (apps without commercial access poll only).</summary>
    public string WebhookSecret { get; set; } = string.Empty;

    /// <summary>How far a delivery's <c>webhook-timestamp</c> may be from now (Standard Webhooks: 5 minutes).</summary>
    [Range(1, 3600)]
    public int WebhookToleranceSeconds { get; set; } = 300;

    /// <summary>Six-field NCRONTAB for the receipt poll's timer. The timer only wakes the poll; the adaptive
    /// interval (<see cref="MinPollIntervalSeconds"/> to <see cref="MaxPollIntervalSeconds"/>, never faster than
    /// the daily budget allows) decides whether Etsy is actually asked.</summary>
    [Required]
    public string PollSchedule { get; set; } = "*/5 * * * * *";

    /// <summary>Off: every timer tick polls (tests that drive the poll by hand).</summary>
    public bool AdaptivePolling { get; set; } = true;

    /// <summary>The interval while sales are coming in.</summary>
    [Range(1, 3600)]
    public int MinPollIntervalSeconds { get; set; } = 10;

    /// <summary>The interval after a long quiet spell: it doubles from the minimum with each empty poll.</summary>
    [Range(1, 86_400)]
    public int MaxPollIntervalSeconds { get; set; } = 120;

    /// <summary>The share of Etsy's daily request budget kept for pushes, reconciliation and the cancellation
    /// re-check: the poll slows down rather than spend it.</summary>
    [Range(0.0, 0.95)]
    public double ReservedDailyShare { get; set; } = 0.5;

    public Polling.PollPacing Pacing() => new(AdaptivePolling, MinPollIntervalSeconds, MaxPollIntervalSeconds, ReservedDailyShare);

    /// <summary>NCRONTAB for the cancellation re-check, slower than the poll.</summary>
    [Required]
    public string CancellationCheckSchedule { get; set; } = "0 */10 * * * *";

    /// <summary>How far back the cancellation re-check looks for canceled receipts.</summary>
    [Range(1, 365)]
    public int CancellationLookbackDays { get; set; } = 30;

    /// <summary>NCRONTAB for the refund re-check: refunds of receipts that were not canceled restock nothing and are
    /// alerted once each (see <see cref="EtsyRefundReview"/>).</summary>
    [Required]
    public string RefundCheckSchedule { get; set; } = "0 0 * * * *";

    /// <summary>How far back the refund re-check reads receipts; each 100 receipts cost one request.</summary>
    [Range(1, 90)]
    public int RefundLookbackDays { get; set; } = 14;

    /// <summary>Etsy's per-second request limit for this app (10 unless Etsy raised it): requests wait
    /// their turn on FuncSync's side rather than collect 429s.</summary>
    [Range(1, 1000)]
    public int QueriesPerSecond { get; set; } = 10;

    /// <summary>Share the per-second limit with every other instance of this Etsy app through a row in storage (see
    /// <see cref="Channels.Budgets.SharedRequestBudget"/>). Off: each instance keeps only its own token bucket, which is right for one instance.</summary>
    public bool SharedBudget { get; set; } = true;

    /// <summary>The part of <see cref="QueriesPerSecond"/> handed out per second across instances: the rest absorbs
    /// requests that land a moment late and clocks that differ slightly.</summary>
    [Range(0.1, 1.0)]
    public double SharedBudgetShare { get; set; } = 0.9;

    /// <summary>How far behind the watermark each poll starts again. Etsy's timestamps are whole seconds
    /// and a receipt can become visible after a later one; the dedupe makes the overlap free.</summary>
    [Range(0, 86_400)]
    public int OverlapSeconds { get; set; } = 300;

    /// <summary>How far back the very first poll looks, before any watermark exists.</summary>
    [Range(0, 30 * 86_400)]
    public int InitialLookbackSeconds { get; set; } = 86_400;

    public Uri ResolveConnectUrl() => OAuthConnectUrl ?? (IsEtsy ? new Uri("https://www.etsy.com/oauth/connect") : new Uri(ApiBaseUrl!, "oauth/connect"));

    public Uri ResolveTokenUrl() => OAuthTokenUrl ?? (IsEtsy ? new Uri("https://api.etsy.com/v3/public/oauth/token") : new Uri(ApiBaseUrl!, "v3/public/oauth/token"));

    // Etsy serves the API on openapi.etsy.com, consent on www.etsy.com and tokens on api.etsy.com; a simulator serves all three.
    private bool IsEtsy => ApiBaseUrl?.Host.EndsWith("etsy.com", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>How the shared <see cref="Channels.Auth.OAuthAccessTokens"/> gets Etsy's bearer tokens.</summary>
    public Channels.Auth.OAuthTokenSettings TokenSettings() =>
        new(AccessToken, TimeSpan.FromSeconds(TokenRefreshSkewSeconds), "open /api/etsy/oauth/start, or set Etsy:AccessToken");

    /// <summary>Etsy's per-second limit for the shared request budgets.</summary>
    public Channels.Budgets.RequestBudgetSettings RequestBudget() => new(QueriesPerSecond, Keystring, SharedBudget, SharedBudgetShare);
}

namespace FuncSync.Alerts;

/// <summary>The <c>Alerts</c> settings. Sink URLs carry their own credentials (a Slack incoming-webhook
/// URL is the secret), so they come from configuration only and are never logged or traced.</summary>
public sealed class AlertOptions
{
    public const string Section = "Alerts";

    public const string DefaultSweepSchedule = "*/30 * * * * *";

    /// <summary>Repeats of one alert key within this window are counted, not delivered again.</summary>
    public TimeSpan SuppressionWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The wait before a failed delivery is tried again; it doubles per failure up to an hour.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A generic JSON webhook: <c>{"deliveryId","event","alert":{...}}</c>.</summary>
    public Uri? WebhookUrl { get; set; }

    /// <summary>A Slack (or Slack-compatible) incoming webhook.</summary>
    public Uri? SlackWebhookUrl { get; set; }

    public bool IsValid() =>
        SuppressionWindow >= TimeSpan.Zero
        && RetryDelay > TimeSpan.Zero
        && IsHttp(WebhookUrl)
        && IsHttp(SlackWebhookUrl);

    /// <summary>An empty setting (a blank line in local.settings.json) means no sink.</summary>
    public static bool IsSet(Uri? url) => url is { OriginalString.Length: > 0 };

    private static bool IsHttp(Uri? url) => !IsSet(url) || (url!.IsAbsoluteUri && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp));
}

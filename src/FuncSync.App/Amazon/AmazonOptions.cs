using System.ComponentModel.DataAnnotations;
using FuncSync.Channels.Auth;
using FuncSync.Channels.Budgets;

namespace FuncSync.Amazon;

/// <summary>The connected Amazon seller (Selling Partner API, one marketplace, merchant-fulfilled stock). Secrets come
/// from configuration only and never appear in logs.</summary>
public sealed class AmazonOptions
{
    public const string Section = "Amazon";

    /// <summary>The regional SP-API endpoint (<c>https://sellingpartnerapi-na.amazon.com/</c>), or a simulator. Its presence
    /// turns the channel on.</summary>
    [Required]
    public Uri? ApiBaseUrl { get; set; }

    /// <summary>Login with Amazon's token endpoint; null: <c>https://api.amazon.com/auth/o2/token</c> for Amazon, or
    /// <c>{ApiBaseUrl}auth/o2/token</c> for a simulator.</summary>
    public Uri? TokenUrl { get; set; }

    /// <summary>The LWA client id and secret of the seller's (self-authorised) SP-API application.</summary>
    [Required]
    public string ClientId { get; set; } = string.Empty;

    [Required]
    public string ClientSecret { get; set; } = string.Empty;

    /// <summary>The refresh token Seller Central issued when the seller authorised the app; LWA access tokens live an hour.</summary>
    [Required]
    public string RefreshToken { get; set; } = string.Empty;

    /// <summary>The seller's merchant token (selling partner id), part of every Listings Items path.</summary>
    [Required]
    public string SellerId { get; set; } = string.Empty;

    /// <summary>The marketplace synced (Amazon.com is <c>ATVPDKIKX0DER</c>).</summary>
    [Required]
    public string MarketplaceId { get; set; } = "ATVPDKIKX0DER";

    /// <summary>The SQS queue the seller's <c>ORDER_CHANGE</c> subscription delivers to; unset, orders come by the orders
    /// poll alone (two minutes or more late).</summary>
    public Uri? NotificationQueueUrl { get; set; }

    /// <summary>The SQS endpoint; null derives it from the queue URL's region (the SDK's default), set for a simulator.</summary>
    public Uri? SqsServiceUrl { get; set; }

    public string AwsRegion { get; set; } = "us-east-1";

    /// <summary>An IAM user's key allowed to receive from and delete on the queue (sqs:ReceiveMessage, sqs:DeleteMessage).</summary>
    public string AwsAccessKeyId { get; set; } = string.Empty;

    public string AwsSecretAccessKey { get; set; } = string.Empty;

    /// <summary>Six-field NCRONTAB for the notifications receiver: each tick long-polls the queue and drains it, so with a
    /// tick as long as the wait the queue is listened to all the time (a tick skipped while one runs).</summary>
    [Required]
    public string NotificationSchedule { get; set; } = "*/5 * * * * *";

    /// <summary>How long one receive waits for a message (SQS long polling, at most 20 s).</summary>
    [Range(0, 20)]
    public int NotificationWaitSeconds { get; set; } = 5;

    /// <summary>How long a received notification stays hidden from other receivers while its order is applied; not
    /// deleted by then, it is received again.</summary>
    [Range(1, 43200)]
    public int NotificationVisibilitySeconds { get; set; } = 60;

    /// <summary>Six-field NCRONTAB for the orders poll, the backstop for notifications. getOrders refills at one request
    /// a minute (0.0167/s, burst 20): every two minutes leaves room for a second page.</summary>
    [Required]
    public string OrderPollSchedule { get; set; } = "0 */2 * * * *";

    /// <summary>Each poll re-reads this much before its watermark (dedupe makes the overlap safe).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "06:00:00")]
    public TimeSpan OrderPollOverlap { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The poll reads up to now minus this: Amazon's order data appears about two minutes after a change.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan OrderPollSettle { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a write waits, within one push, for <c>getListingsItem</c> to show the patched quantity; not
    /// shown by then, the push comes back after <see cref="ConfirmRetry"/> and checks again (without patching again).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ConfirmWithin { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Between read-backs of a write not yet applied.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan ConfirmPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan ConfirmRetry { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A patch accepted this long ago and still not shown is taken as lost: the next push patches again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan PatchLostAfter { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Many-SKU work (a reconciliation fix, a catalog import, a first sync): once an instance has made this many
    /// quantity writes within <see cref="FeedWindow"/>, further writes are staged for the next <c>JSON_LISTINGS_FEED</c>
    /// instead of patched one by one. Pushes arrive one per queue message, so the load is judged over a window, not by
    /// what waits at one instant.</summary>
    [Range(1, 25000)]
    public int FeedThreshold { get; set; } = 20;

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan FeedWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Six-field NCRONTAB for the feeds timer: it sends what is staged as one feed (createFeed allows one every two
    /// minutes after a burst of 15), follows the feeds Amazon has not finished (getFeed), reads their processing reports
    /// and wakes the pushes of the SKUs they carried.</summary>
    [Required]
    public string FeedSchedule { get; set; } = "*/15 * * * * *";

    /// <summary>When a push whose write waits for a feed looks again, if the feeds timer has not woken it first.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan FeedRetry { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The requests per second every instance shares (the fastest listings operations' rate).</summary>
    [Range(1, 100)]
    public int QueriesPerSecond { get; set; } = 5;

    public bool SharedBudget { get; set; } = true;

    [Range(0.1, 1.0)]
    public double SharedBudgetShare { get; set; } = 0.9;

    public Uri ResolveTokenUrl() =>
        TokenUrl ?? (ApiBaseUrl!.Host.EndsWith("amazon.com", StringComparison.OrdinalIgnoreCase) ? new Uri("https://api.amazon.com/auth/o2/token") : new Uri(ApiBaseUrl, "auth/o2/token"));

    /// <summary>LWA issues no static token; the stored connection is seeded from <see cref="RefreshToken"/>.</summary>
    public static OAuthTokenSettings TokenSettings() => new(string.Empty, TimeSpan.FromMinutes(5), "set Amazon__RefreshToken to the refresh token Seller Central issued");

    public RequestBudgetSettings RequestBudget() => new(QueriesPerSecond, ClientId, SharedBudget, SharedBudgetShare);
}

namespace FuncSync.Simulators.Ebay;

public sealed record EbaySimulatorOptions
{
    /// <summary>The application's keyset: the token endpoint takes them as HTTP Basic credentials.</summary>
    public string ClientId { get; init; } = "FuncSync-Sim-PRD-0000000000-00000000";

    public string ClientSecret { get; init; } = "PRD-simulator-client-secret";

    /// <summary>The refresh token of the seller's consent (eBay's last 18 months and are not rotated by a refresh).</summary>
    public string RefreshToken { get; init; } = "v^1.1#i^1#r^1#simulator-refresh-token";

    /// <summary>eBay's user and application access tokens live two hours.</summary>
    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromHours(2);

    /// <summary>The seller's user name, as orders and notifications name it.</summary>
    public string SellerUserName { get; init; } = "funcsync_sim_seller";

    /// <summary>The marketplace every offer is published on.</summary>
    public string MarketplaceId { get; init; } = "EBAY_US";

    /// <summary>The marketplace's currency, in which every offer is priced.</summary>
    public string Currency { get; init; } = "USD";

    /// <summary>The unit price of an item listed without one.</summary>
    public decimal DefaultPrice { get; init; } = 25.00m;

    /// <summary>Each listing can be revised at most this many times per calendar day; the next revision is refused.</summary>
    public int RevisionsPerListingPerDay { get; set; } = 250;

    /// <summary>API calls the application may make per calendar day (the default quota before the Application Growth
    /// Check, about 5,000); past it every call is 429 with error 2001.</summary>
    public int DailyCallQuota { get; set; } = 5_000;

    /// <summary>The time zone of eBay's calendar day (eBay's official time is Pacific).</summary>
    public string CalendarTimeZone { get; init; } = "America/Los_Angeles";

    /// <summary>Out-of-Stock Control (an account setting): a listing at 0 stays alive but hidden. Without it, a variation
    /// brought to 0 is removed from its listing and later revisions of its SKU fail with "SKU mismatch".</summary>
    public bool OutOfStockControl { get; set; } = true;

    /// <summary>The endpoint as registered with the Notification API destination: the challenge hash covers it.</summary>
    public Uri? NotificationUrl { get; set; }

    /// <summary>Where deliveries actually go when that is not <see cref="NotificationUrl"/> (a proxy in front).</summary>
    public Uri? DeliverTo { get; set; }

    /// <summary>The verification token registered with the destination (32 to 80 characters).</summary>
    public string VerificationToken { get; init; } = "funcsync-simulator-verification-token-0123456789";

    /// <summary>Share of ORDER_CONFIRMATION messages never delivered (eBay asks sellers to poll getOrders too).</summary>
    public double LostNotificationShare { get; set; }

    /// <summary>Share of ORDER_CONFIRMATION messages sent a second time, as a new notification.</summary>
    public double RepeatedNotificationShare { get; set; }

    /// <summary>eBay counts a delivery as failed without a 2xx in time.</summary>
    public TimeSpan WebhookTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>When a failed delivery is tried again (tests compress it with a fake clock).</summary>
    public IReadOnlyList<TimeSpan> WebhookRetryDelays { get; set; } =
        [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(6)];

    /// <summary>Seeds order, line and notification ids and the lost/repeated draws.</summary>
    public int Seed { get; init; } = 1;
}

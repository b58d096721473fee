namespace FuncSync.Simulators.Amazon;

public sealed record AmazonSimulatorOptions
{
    /// <summary>The Login with Amazon application's client id and secret; the token endpoint checks both.</summary>
    public string ClientId { get; init; } = "amzn1.application-oa2-client.simulator";

    public string ClientSecret { get; init; } = "amazon-simulator-client-secret";

    /// <summary>The seller's refresh token (self-authorised app: issued once in Seller Central, long-lived).</summary>
    public string RefreshToken { get; init; } = "Atzr|simulator-refresh-token";

    public string SellerId { get; init; } = "A2SIMULATORSELLER";

    /// <summary>Amazon.com's marketplace id.</summary>
    public string MarketplaceId { get; init; } = "ATVPDKIKX0DER";

    /// <summary>LWA access tokens live an hour.</summary>
    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long after <c>ACCEPTED</c> a listings patch (or a feed's message) shows in <c>getListingsItem</c>:
    /// Amazon applies submissions minutes later.</summary>
    public TimeSpan PatchDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long after a change an order shows in the Orders API (about two minutes on Amazon).</summary>
    public TimeSpan OrderVisibilityDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a feed stays IN_QUEUE/IN_PROGRESS before its messages are applied and it is DONE.</summary>
    public TimeSpan FeedProcessingDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Per-operation token buckets (requests per second, burst): the published defaults.</summary>
    public IReadOnlyDictionary<string, AmazonRateLimit> RateLimits { get; init; } = AmazonRateLimit.Defaults;

    /// <summary>The AWS account and queue of the notifications destination (an SQS queue).</summary>
    public string AwsAccountId { get; init; } = "000000000000";

    public string QueueName { get; init; } = "funcsync-sp-api-notifications";

    /// <summary>The AWS access key the SQS endpoint accepts (signatures are parsed for the key id, not verified).</summary>
    public string AwsAccessKeyId { get; init; } = "AKIASIMULATOR0000000";

    /// <summary>The queue's default visibility timeout.</summary>
    public TimeSpan QueueVisibilityTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The marketplace's currency (US dollars on Amazon.com).</summary>
    public string Currency { get; init; } = "USD";

    /// <summary>The offer price of a listing added without one.</summary>
    public decimal DefaultPrice { get; init; } = 22.00m;

    /// <summary>Seeds order, submission and message ids, so two runs with the same seed produce the same payloads.</summary>
    public int Seed { get; init; } = 1;
}

/// <summary>One operation's usage plan: a token bucket refilled at <paramref name="Rate"/> per second up to <paramref name="Burst"/>.</summary>
public sealed record AmazonRateLimit(double Rate, int Burst)
{
    public const string GetListingsItem = "getListingsItem";
    public const string PatchListingsItem = "patchListingsItem";
    public const string SearchListingsItems = "searchListingsItems";
    public const string GetOrders = "getOrders";
    public const string GetOrderItems = "getOrderItems";
    public const string CreateFeedDocument = "createFeedDocument";
    public const string CreateFeed = "createFeed";
    public const string GetFeed = "getFeed";
    public const string GetFeedDocument = "getFeedDocument";

    /// <summary>The default rates and bursts Amazon publishes for these operations.</summary>
    public static IReadOnlyDictionary<string, AmazonRateLimit> Defaults { get; } = new Dictionary<string, AmazonRateLimit>(StringComparer.Ordinal)
    {
        [GetListingsItem] = new(5, 10),
        [PatchListingsItem] = new(5, 5),
        [SearchListingsItems] = new(5, 5),
        [GetOrders] = new(0.0167, 20),
        [GetOrderItems] = new(0.5, 30),
        [CreateFeedDocument] = new(0.5, 15),
        [CreateFeed] = new(0.0083, 15),
        [GetFeed] = new(2, 15),
        [GetFeedDocument] = new(0.0222, 10),
    };
}

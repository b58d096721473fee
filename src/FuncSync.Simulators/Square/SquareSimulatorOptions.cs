namespace FuncSync.Simulators.Square;

public sealed record SquareSimulatorOptions
{
    /// <summary>A personal access token (it never expires); every API call must carry it or an OAuth access token as
    /// <c>Authorization: Bearer ...</c>.</summary>
    public string AccessToken { get; init; } = "EAAAsimulatorPersonalAccessToken";

    /// <summary>The application's secret (the OAuth client secret), which the code flow's token requests carry.</summary>
    public string ApplicationSecret { get; init; } = "sq0csp-simulator-application-secret";

    /// <summary>The refresh token of the seller's OAuth consent (code flow: it does not expire, and a refresh answers the
    /// same one).</summary>
    public string RefreshToken { get; init; } = "EQAAEsimulatorRefreshToken";

    /// <summary>How long an OAuth access token is accepted: 30 days, as Square's.</summary>
    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromDays(30);

    public string MerchantId { get; init; } = "MLSIMULATOR0001";

    /// <summary>The application the access token belongs to: the change log names it as the source of every change made
    /// through the API with that token.</summary>
    public string ApplicationId { get; init; } = "sq0idp-FuncSyncSimulator";

    public string ApplicationName { get; init; } = "FuncSync";

    /// <summary>The subscription's signature key: Square signs the notification URL followed by the raw body with it.</summary>
    public string SignatureKey { get; init; } = "square-simulator-signature-key";

    /// <summary>The notification URL as registered with the subscription; it is signed byte for byte. Settable after start
    /// because the app under test starts later.</summary>
    public Uri? NotificationUrl { get; set; }

    /// <summary>Where deliveries actually go when that is not <see cref="NotificationUrl"/>: a proxy or a custom domain
    /// in front of the receiver forwards them, and the signature still covers the registered URL.</summary>
    public Uri? DeliverTo { get; set; }

    /// <summary>The seller's locations (a shop and a market stall by default).</summary>
    public IReadOnlyList<string> LocationIds { get; init; } = ["LSHOP0000000A", "LSTALL000000B"];

    /// <summary>Square counts a delivery as failed without a 2xx within 10 seconds.</summary>
    public TimeSpan WebhookTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Square's published retry schedule (delivery SLA): 1, 2, 4, 8, 16 and 32 minutes, then hourly for
    /// attempts 7 to 78, ending 72 hours after the event. Tests compress it with a fake clock.</summary>
    public IReadOnlyList<TimeSpan> WebhookRetryDelays { get; set; } = SquareRetrySchedule;

    public static IReadOnlyList<TimeSpan> SquareRetrySchedule { get; } =
        [.. Enumerable.Range(0, 6).Select(i => TimeSpan.FromMinutes(1 << i)), .. Enumerable.Repeat(TimeSpan.FromHours(1), 72)];

    /// <summary>Share of API requests answered <c>429 RATE_LIMITED</c>, drawn from the seed (Square publishes no limits,
    /// so this is fault injection, not a model of a bucket).</summary>
    public double RateLimitedShare { get; set; }

    /// <summary>Seeds catalog, order and event ids, so two runs with the same seed send the same payloads.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The seller's currency: catalog prices and order money are in it.</summary>
    public string Currency { get; init; } = "USD";
}

namespace FuncSync.Simulators.Shopify;

public sealed record ShopifySimulatorOptions
{
    public string ShopDomain { get; init; } = "funcsync-demo.myshopify.com";

    /// <summary>The only Admin API version served; other versions in the path answer 404 so a connector pinned to the wrong one fails loudly.</summary>
    public string ApiVersion { get; init; } = "2026-04";

    public string AccessToken { get; init; } = "shpat_simulator";

    /// <summary>The app's client secret; Shopify signs webhooks with it.</summary>
    public string WebhookSecret { get; init; } = "shopify-simulator-secret";

    /// <summary>Where orders/create webhooks go. Settable after start because the app under test starts later.</summary>
    public Uri? WebhookUrl { get; set; }

    /// <summary>Shopify gives up on a webhook delivery after 5 s.</summary>
    public TimeSpan WebhookTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Leaky-bucket size in query-cost points (GraphQL Admin API, standard plan).</summary>
    public int ThrottleMaximumAvailable { get; init; } = 1000;

    /// <summary>Points restored per second.</summary>
    public int ThrottleRestoreRate { get; init; } = 100;

    /// <summary>Send the un-prefixed <c>shopify-*</c> header names that newer deliveries use instead of <c>X-Shopify-*</c>.</summary>
    public bool UnprefixedHeaders { get; set; }

    /// <summary>Also send inventory_levels/update whenever "available" moves (sales, restocks, admin edits and
    /// the connector's own writes), as Shopify does. Off by default to keep tests that do not need it quiet.</summary>
    public bool SendInventoryLevelWebhooks { get; set; }

    /// <summary>Shopify retries a failed delivery (no 2xx within the timeout) 8 times over 4 hours with exponential
    /// backoff (changelog, 2024-09-10; the exact steps are not published: these double from about a minute and add
    /// up to 4 hours). Tests compress it with a fake clock or shorter delays.</summary>
    public IReadOnlyList<TimeSpan> WebhookRetryDelays { get; set; } = ShopifyRetrySchedule;

    /// <summary>The 8 doubling delays that add up to 4 hours.</summary>
    public static IReadOnlyList<TimeSpan> ShopifyRetrySchedule { get; } =
        [.. Enumerable.Range(0, 8).Select(i => TimeSpan.FromSeconds(4 * 3600.0 * (1 << i) / 255))];

    /// <summary>Share of successful deliveries sent once more (delivery is at-least-once), drawn from the seed.</summary>
    public double WebhookDuplicateRate { get; set; }

    /// <summary>Share of deliveries held back by up to <see cref="WebhookReorderMaxDelay"/>, so later events overtake them.</summary>
    public double WebhookReorderRate { get; set; }

    public TimeSpan WebhookReorderMaxDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Seeds order, line-item, event and delivery ids, so runs with the same seed send the same payloads.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The shop's currency: orders' <c>currency</c>, and the currency of their prices.</summary>
    public string Currency { get; init; } = "USD";
}

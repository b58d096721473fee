namespace FuncSync.Simulators.WooCommerce;

public sealed record WooCommerceSimulatorOptions
{
    /// <summary>The REST API key pair FuncSync is given (WooCommerce → Settings → Advanced → REST API); every call must
    /// carry it as HTTP Basic credentials.</summary>
    public string ConsumerKey { get; init; } = "ck_0000simulator0000000000000000000000000";

    public string ConsumerSecret { get; init; } = "cs_0000simulator0000000000000000000000000";

    /// <summary>The webhook's secret: WooCommerce signs each delivery's raw body with it (base64 HMAC-SHA256).</summary>
    public string WebhookSecret { get; set; } = "woocommerce-simulator-webhook-secret";

    /// <summary>The webhook's delivery URL. Settable after start because the app under test starts later; unset, no
    /// webhook exists and nothing is delivered.</summary>
    public Uri? DeliveryUrl { get; set; }

    /// <summary>How long a delivery waits in the Action Scheduler queue before it is sent. WooCommerce queues
    /// deliveries and WP-Cron runs them only when somebody visits the site: on a quiet site 10 to 120 minutes
    /// (woocommerce/woocommerce #11991). Zero sends at once; otherwise <see cref="WooCommerceSimulator.RunCronAsync"/>
    /// sends what is due, building each payload then (#15699).</summary>
    public TimeSpan DeliveryDelay { get; set; }

    /// <summary>Share of deliveries that never leave the site (a cron run that died, a host that blocks outgoing
    /// requests), drawn from the seed. WooCommerce never retries, so a lost delivery is gone.</summary>
    public double LostShare { get; set; }

    /// <summary>WooCommerce's <c>woocommerce_max_webhook_delivery_failures</c> (5): a failure with more than this many
    /// failures already counted disables the webhook.</summary>
    public int MaxDeliveryFailures { get; init; } = 5;

    /// <summary>WooCommerce waits 60 seconds for the receiver.</summary>
    public TimeSpan DeliveryTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>"Hold stock (minutes)", 60 by default: an unpaid (pending) order holds its units from other checkouts
    /// this long, then the shop cancels it.</summary>
    public TimeSpan HoldStock { get; init; } = TimeSpan.FromMinutes(60);

    /// <summary>The <c>woocommerce_rest_batch_items_limit</c> filter's default: create + update + delete per batch call.</summary>
    public int BatchLimit { get; init; } = 100;

    /// <summary>The store's currency (WooCommerce → Settings → General), which every order records.</summary>
    public string Currency { get; init; } = "GBP";

    /// <summary>The price a product or variation added without one sells at.</summary>
    public decimal DefaultPrice { get; init; } = 18.00m;

    /// <summary>Seeds ids and lost deliveries, so two runs with the same seed behave the same.</summary>
    public int Seed { get; init; } = 1;
}

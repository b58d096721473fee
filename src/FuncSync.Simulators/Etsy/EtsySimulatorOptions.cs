namespace FuncSync.Simulators.Etsy;

public sealed record EtsySimulatorOptions
{
    public long ShopId { get; init; } = 5551234;

    public string Keystring { get; init; } = "simkeystring";

    public string SharedSecret { get; init; } = "simsharedsecret";

    /// <summary>Etsy access tokens are "{user_id}.{token}"; the user id becomes the seller_user_id in receipts.</summary>
    public string AccessToken { get; init; } = "12345678.simaccesstoken";

    public int QueriesPerSecond { get; init; } = 10;

    public int QueriesPerDay { get; init; } = 10_000;

    public string CurrencyCode { get; init; } = "USD";

    /// <summary>How long an access token from the token endpoint lives (Etsy: one hour).</summary>
    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The Standard Webhooks signing secret of the ORDER_PAID endpoint (whsec_ + base64 of 32 bytes).</summary>
    public string WebhookSecret { get; init; } = "whsec_" + Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)(i * 7)).ToArray());

    /// <summary>Where ORDER_PAID deliveries go; null sends none (an app without commercial access).</summary>
    public Uri? OrderPaidWebhookUrl { get; set; }

    /// <summary>Seeds product, offering, receipt and transaction ids.</summary>
    public int Seed { get; init; } = 1;
}

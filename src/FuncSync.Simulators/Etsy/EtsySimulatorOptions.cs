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

    /// <summary>Seeds product, offering, receipt and transaction ids.</summary>
    public int Seed { get; init; } = 1;
}

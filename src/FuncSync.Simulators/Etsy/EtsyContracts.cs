namespace FuncSync.Simulators.Etsy;

/// <summary>One product (variation) of a listing; <paramref name="Price"/> is in currency units (24.00).</summary>
public sealed record EtsySimProduct(string Sku, int Quantity, decimal Price, IReadOnlyList<EtsySimPropertyValue> PropertyValues);

public sealed record EtsySimPropertyValue(long PropertyId, string PropertyName, long ValueId, string Value);

public sealed record EtsyReceiptResult(long ReceiptId, IReadOnlyList<long> TransactionIds);

public sealed record EtsyInventoryChanged(long ListingId, string Sku, int Quantity, bool IsEnabled, DateTimeOffset At);

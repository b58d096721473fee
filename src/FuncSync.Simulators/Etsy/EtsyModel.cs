namespace FuncSync.Simulators.Etsy;

/// <summary>A 4xx answer with Etsy's <c>{"error": "..."}</c> body.</summary>
internal sealed class EtsyApiException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;

    public static EtsyApiException BadRequest(string message) => new(400, message);

    public static EtsyApiException NotFound(string message) => new(404, message);
}

internal sealed class EtsyListing
{
    public required long ListingId { get; init; }

    public required string Title { get; set; }

    public required string State { get; set; }

    public required long CreatedAt { get; init; }

    public required long UpdatedAt { get; set; }

    public required List<EtsyProduct> Products { get; set; }

    /// <summary>How often the listing was renewed (each renewal costs the seller a listing fee on Etsy).</summary>
    public int Renewals { get; set; }

    public required IReadOnlyList<long> PriceOnProperty { get; set; }

    public required IReadOnlyList<long> QuantityOnProperty { get; set; }

    public required IReadOnlyList<long> SkuOnProperty { get; set; }

    public required IReadOnlyList<long> ReadinessStateOnProperty { get; set; }

    /// <summary>What Etsy shows as the listing's quantity: the sum over enabled offerings.</summary>
    public int EnabledQuantity => Products.Where(p => p.IsEnabled).Sum(p => p.Quantity);

    public EtsyProduct FindBySku(string sku) =>
        Products.FirstOrDefault(p => string.Equals(p.Sku, sku, StringComparison.Ordinal))
        ?? throw new KeyNotFoundException($"Listing {ListingId} has no product with SKU '{sku}'.");
}

internal sealed class EtsyProduct
{
    public required long ProductId { get; set; }

    public required long OfferingId { get; set; }

    public required string Sku { get; set; }

    public required int Quantity { get; set; }

    /// <summary>Price in minor units (cents), as Etsy's Money object carries it.</summary>
    public required long PriceMinor { get; set; }

    public required bool IsEnabled { get; set; }

    public long? ReadinessStateId { get; set; }

    public required IReadOnlyList<EtsySimPropertyValue> PropertyValues { get; set; }

    public string VariationKey => EtsyVariation.Key(PropertyValues);
}

internal static class EtsyVariation
{
    /// <summary>Identifies a product by its property values; a listing without variations has the single key "".</summary>
    public static string Key(IEnumerable<EtsySimPropertyValue> values) =>
        string.Join('|', values
            .Select(v => $"{v.PropertyId}={v.Value.ToUpperInvariant()}")
            .Order(StringComparer.Ordinal));
}

internal sealed class EtsyReceipt
{
    public required long ReceiptId { get; init; }

    public required long BuyerUserId { get; init; }

    public required long CreatedAt { get; init; }

    public required long UpdatedAt { get; set; }

    public required IReadOnlyList<EtsyTransaction> Transactions { get; init; }

    public bool IsPaid { get; set; } = true;

    public bool IsShipped { get; set; }

    /// <summary>When the seller marked it shipped (the shipment's notification time); null before.</summary>
    public long? ShippedAt { get; set; }

    public bool IsCanceled { get; set; }

    /// <summary>Refunds in the order they were issued; a cancellation adds one for what was left.</summary>
    public List<EtsyRefund> Refunds { get; } = [];

    public long TotalMinor => Transactions.Sum(t => t.PriceMinor * t.Quantity);

    public string Status => IsCanceled ? "Canceled" : IsShipped ? "Completed" : IsPaid ? "Paid" : "Open";
}

internal sealed record EtsyTransaction(
    long TransactionId, long ListingId, string Title, long ProductId, string Sku, int Quantity, long PriceMinor,
    IReadOnlyList<EtsySimPropertyValue> PropertyValues, long PaidAt);

/// <summary>A ShopRefund: Etsy says how much and why, never which transaction.</summary>
internal sealed record EtsyRefund(long AmountMinor, long CreatedAt, string? Reason, string? NoteFromIssuer, string Status);

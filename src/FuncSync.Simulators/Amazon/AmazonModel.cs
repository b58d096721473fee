namespace FuncSync.Simulators.Amazon;

/// <summary>One entry of a listing's <c>fulfillment_availability</c> attribute: <c>DEFAULT</c> is merchant-fulfilled
/// stock, any other code (<c>AMAZON_NA</c>, ...) Amazon's own (FBA).</summary>
public sealed record AmazonAvailability(string ChannelCode, int? Quantity, int? LeadTimeToShipMaxDays);

/// <summary>A seller's listing. Callers hold the simulator's lock.</summary>
internal sealed class AmazonListing(string sku, string asin, string productType, string title)
{
    public string Sku { get; } = sku;

    public string Asin { get; } = asin;

    public string ProductType { get; } = productType;

    public string Title { get; } = title;

    public List<AmazonAvailability> Availability { get; set; } = [];

    /// <summary>The offer's unit price (the listing's <c>purchasable_offer</c> our_price).</summary>
    public decimal Price { get; set; }

    public int DefaultQuantity => Availability.FirstOrDefault(a => a.ChannelCode == AmazonSimulator.MerchantChannel)?.Quantity ?? 0;

    public void MoveDefault(int delta)
    {
        var index = Availability.FindIndex(a => a.ChannelCode == AmazonSimulator.MerchantChannel);
        if (index >= 0)
        {
            Availability[index] = Availability[index] with { Quantity = Math.Max(0, (Availability[index].Quantity ?? 0) + delta) };
        }
    }
}

/// <summary>A patch accepted and waiting to be applied.</summary>
internal sealed record AmazonPendingPatch(string Sku, string SubmissionId, IReadOnlyList<AmazonPatchOperation> Operations, DateTimeOffset ApplyAt);

internal sealed record AmazonPatchOperation(string Op, IReadOnlyList<AmazonAvailability> Value);

/// <summary>An order line.</summary>
public sealed record AmazonOrderLine(string OrderItemId, string Sku, string Asin, int Quantity)
{
    /// <summary>The offer's unit price when the order was placed.</summary>
    public decimal UnitPrice { get; init; }

    /// <summary>Promotions' amount off the line (getOrderItems' <c>PromotionDiscount</c>), 0 without one.</summary>
    public decimal PromotionDiscount { get; init; }

    public int QuantityShipped { get; set; }

    public bool BuyerRequestedCancel { get; set; }
}

/// <summary>An order as Amazon keeps it. <see cref="VisibleAt"/> is when its latest change shows in the Orders API.</summary>
internal sealed class AmazonOrder(string id, string fulfillmentChannel, DateTimeOffset purchaseDate, IReadOnlyList<AmazonOrderLine> lines)
{
    public string Id { get; } = id;

    /// <summary><c>MFN</c> (the seller ships) or <c>AFN</c> (Amazon ships from FBA stock).</summary>
    public string FulfillmentChannel { get; } = fulfillmentChannel;

    public DateTimeOffset PurchaseDate { get; } = purchaseDate;

    public IReadOnlyList<AmazonOrderLine> Lines { get; } = lines;

    public string Status { get; set; } = "Unshipped";

    public DateTimeOffset LastUpdateDate { get; set; } = purchaseDate;

    public DateTimeOffset VisibleAt { get; set; }

    /// <summary>What the Orders API shows until <see cref="VisibleAt"/>: the previous version, or nothing.</summary>
    public (string Status, DateTimeOffset LastUpdateDate, bool BuyerRequestedCancel)? Previous { get; set; }

    public bool IsBuyerRequestedCancel => Lines.Any(l => l.BuyerRequestedCancel);
}

/// <summary>A message on the notifications queue.</summary>
internal sealed class AmazonQueueMessage(string messageId, string body, DateTimeOffset sentAt)
{
    public string MessageId { get; } = messageId;

    public string Body { get; } = body;

    public DateTimeOffset SentAt { get; } = sentAt;

    public string? ReceiptHandle { get; set; }

    public DateTimeOffset InvisibleUntil { get; set; }

    public int ReceiveCount { get; set; }
}

/// <summary>A submitted feed.</summary>
internal sealed class AmazonFeed(string id, string type, string documentId, DateTimeOffset createdAt, DateTimeOffset doneAt)
{
    public string Id { get; } = id;

    public string Type { get; } = type;

    public string DocumentId { get; } = documentId;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public DateTimeOffset DoneAt { get; } = doneAt;

    public string Status { get; set; } = "IN_QUEUE";

    public string? ResultDocumentId { get; set; }
}

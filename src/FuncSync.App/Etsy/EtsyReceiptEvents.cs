using System.Globalization;
using FuncSync.Domain.Ledger;
using FuncSync.Ledger;

namespace FuncSync.Etsy;

/// <summary>Receipts → ledger events, the same ids from every path (poll, webhook, cancellation re-check), so
/// the ledger's dedupe row makes each count once.</summary>
public sealed class EtsyReceiptEvents(InventoryEventSender inventoryEvents)
{
    public static string SaleId(long transactionId) => string.Create(CultureInfo.InvariantCulture, $"etsy:txn:{transactionId}");

    public static string CancellationId(long transactionId) => string.Create(CultureInfo.InvariantCulture, $"etsy:cancel:{transactionId}");

    /// <summary>Every transaction of the receipts is a sale, canceled or not: the units did leave Etsy's count
    /// when the order was paid, and the cancellation gives them back as its own event.</summary>
    public static IEnumerable<InventoryEventReceived> Sales(IEnumerable<EtsyReceipt> receipts, DateTimeOffset now) =>
        receipts.SelectMany(r => r.Transactions.Select(t => ToEvent(r, t, SaleId(t.TransactionId), InventoryEventKind.Sale, now) with { LineTotal = t.LineTotal() }));

    public static IEnumerable<InventoryEventReceived> Cancellations(IEnumerable<EtsyReceipt> receipts, DateTimeOffset now) =>
        receipts.Where(IsCanceled).SelectMany(r => r.Transactions.Select(t => ToEvent(r, t, CancellationId(t.TransactionId), InventoryEventKind.Cancellation, now) with
        {
            SoldAt = DateTimeOffset.FromUnixTimeSeconds(r.CreateTimestamp),
            RestockOf = SaleId(t.TransactionId),
        }));

    public static string ShipmentId(long transactionId) => string.Create(CultureInfo.InvariantCulture, $"etsy:ship:{transactionId}");

    /// <summary>A receipt the poll sees shipped ships every transaction of it (Etsy ships a receipt whole), at the
    /// time of its first shipment notice; the receipt's creation tells a sale made before commitments were kept.</summary>
    public static IEnumerable<InventoryEventReceived> Shipments(IEnumerable<EtsyReceipt> receipts, DateTimeOffset now) =>
        receipts.Where(r => r.IsShipped && !IsCanceled(r)).SelectMany(r => r.Transactions.Select(t => ToEvent(r, t, ShipmentId(t.TransactionId), InventoryEventKind.Fulfilment, now) with
        {
            OccurredAt = DateTimeOffset.FromUnixTimeSeconds(r.Shipments?.Min(s => s.NotificationTimestamp) ?? r.UpdateTimestamp),
            SoldAt = DateTimeOffset.FromUnixTimeSeconds(r.CreateTimestamp),
        }));

    public static bool IsCanceled(EtsyReceipt receipt) => string.Equals(receipt.Status, "Canceled", StringComparison.OrdinalIgnoreCase);

    public async Task<int> SendAsync(IEnumerable<InventoryEventReceived> events, CancellationToken cancellationToken)
    {
        var sent = 0;
        foreach (var received in events)
        {
            await inventoryEvents.SendAsync(received, cancellationToken);
            sent++;
        }

        return sent;
    }

    private static InventoryEventReceived ToEvent(EtsyReceipt receipt, EtsyTransaction transaction, string eventId, InventoryEventKind kind, DateTimeOffset now) => new(
        EventId: eventId,
        Kind: kind,
        Source: "etsy",
        Listing: EtsyListing.KeyFor(transaction.ListingId, transaction.Sku),
        Sku: null,
        Quantity: transaction.Quantity,
        OccurredAt: DateTimeOffset.FromUnixTimeSeconds(kind == InventoryEventKind.Sale ? receipt.CreateTimestamp : receipt.UpdateTimestamp),
        ReceivedAt: now,
        Reference: string.Create(CultureInfo.InvariantCulture, $"Etsy receipt {receipt.ReceiptId}"));
}

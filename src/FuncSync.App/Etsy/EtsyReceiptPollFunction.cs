using System.Globalization;
using System.Text.Json;
using FuncSync.Domain.Ledger;
using FuncSync.Hosting.Functions;
using FuncSync.Json;
using FuncSync.Ledger;
using FuncSync.Polling;
using FuncSync.Storage;
using Microsoft.Extensions.Options;

namespace FuncSync.Etsy;

/// <summary>Timer: polls Etsy receipts modified since the watermark (minus an overlap), pages through
/// all of them, queues a sale event per transaction, and only then advances the watermark. A poll that
/// fails part-way moves nothing, and the next one reads the same receipts again; their transaction ids
/// make the repeat harmless.</summary>
public sealed class EtsyReceiptPollFunction(
    EtsyApi etsy,
    WatermarkStore watermarks,
    IQueueSender queues,
    StorageNames names,
    IOptions<EtsyOptions> options,
    TimeProvider time,
    ILogger<EtsyReceiptPollFunction> logger) : ITimerFunction
{
    public const string Name = "EtsyReceiptPoll";
    public const string ScheduleSetting = "%Etsy:PollSchedule%";

    public async Task RunAsync(TimerTriggerInfo timer, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var source = string.Create(CultureInfo.InvariantCulture, $"etsy-receipts-{settings.ShopId}");
        var now = time.GetUtcNow();
        var watermark = await watermarks.GetAsync(source, cancellationToken)
            ?? now.ToUnixTimeSeconds() - settings.InitialLookbackSeconds;
        var from = Math.Max(0, watermark - settings.OverlapSeconds);

        var receipts = new List<EtsyReceipt>();
        for (var offset = 0; ;)
        {
            var page = await etsy.GetReceiptsAsync(from, offset, cancellationToken);
            receipts.AddRange(page.Results);
            offset += page.Results.Count;
            if (page.Results.Count == 0 || offset >= page.Count)
            {
                break;
            }
        }

        var events = receipts
            .Where(r => !string.Equals(r.Status, "Canceled", StringComparison.OrdinalIgnoreCase))
            .SelectMany(r => r.Transactions.Select(t => ToEvent(r, t, now)))
            .ToList();
        foreach (var received in events)
        {
            await queues.SendAsync(names.InventoryEventsQueue, JsonSerializer.Serialize(received, FuncSyncJson.Default.InventoryEventReceived), cancellationToken);
        }

        if (receipts.Count > 0)
        {
            // Etsy's own clock, not ours: a skewed local clock cannot skip receipts.
            await watermarks.AdvanceAsync(source, receipts.Max(r => r.UpdateTimestamp), cancellationToken);
        }

        logger.LogInformation(
            "Etsy poll from {From}: {Receipts} receipts, {Events} sale events queued",
            DateTimeOffset.FromUnixTimeSeconds(from), receipts.Count, events.Count);
    }

    private static InventoryEventReceived ToEvent(EtsyReceipt receipt, EtsyTransaction transaction, DateTimeOffset now) => new(
        EventId: string.Create(CultureInfo.InvariantCulture, $"etsy:txn:{transaction.TransactionId}"),
        Kind: InventoryEventKind.Sale,
        Source: "etsy",
        Listing: Catalog.EtsyListing.KeyFor(transaction.ListingId, transaction.Sku),
        Sku: null,
        Quantity: transaction.Quantity,
        OccurredAt: DateTimeOffset.FromUnixTimeSeconds(receipt.CreateTimestamp),
        ReceivedAt: now,
        Reference: string.Create(CultureInfo.InvariantCulture, $"Etsy receipt {receipt.ReceiptId}"));
}

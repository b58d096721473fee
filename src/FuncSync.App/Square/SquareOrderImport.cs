using System.Globalization;
using System.Text.Json.Nodes;
using FuncSync.Domain.Ledger;
using FuncSync.Ledger;
using FuncSync.Webhooks;
using Microsoft.Extensions.Options;

namespace FuncSync.Square;

/// <summary>Imports a Square order from the Orders API: its lines become sales (and cancellations, and shipments once
/// completed), keyed by the order and the line, so an order's notification and its sale in the change log import it
/// under the same event ids and it counts once.</summary>
public sealed class SquareOrderImport(SquareApi square, InventoryEventSender inventoryEvents, IOptions<SquareOptions> options, ILogger<SquareOrderImport> logger)
{
    // Enough sends in flight to move a large order in seconds without crowding the storage account.
    private const int SendConcurrency = 16;

    /// <summary>Reads the order now and queues its events.</summary>
    /// <param name="trigger">What led here, for the log (a notification's topic and event id, or a change's id).</param>
    /// <param name="notifiedAt">The channel's time of the notification or change, when it gave one.</param>
    /// <returns>False when Square has no such order (yet).</returns>
    public async Task<bool> ImportAsync(string orderId, string trigger, DateTimeOffset receivedAt, DateTimeOffset? notifiedAt, CancellationToken cancellationToken)
    {
        // Level-triggered: a late notification of an order since cancelled reads it as cancelled.
        var order = await square.RetrieveOrderAsync(orderId, cancellationToken);
        if (order is null)
        {
            logger.LogWarning("Square order {Order} ({Trigger}) is not found; nothing applied", orderId, trigger);
            return false;
        }

        var state = Text(order["state"]);
        var location = Text(order["location_id"]);
        if (state == "DRAFT" || !options.Value.Locations.Contains(location ?? string.Empty, StringComparer.Ordinal))
        {
            logger.LogInformation("Square order {Order} is {State} at location {Location}: no stock of the synced locations moved", orderId, state, location);
            return true;
        }

        var createdAt = Time(order["created_at"]);
        var occurredAt = EventTimes.FirstPlausible(receivedAt, createdAt, notifiedAt);
        var reference = "Square order " + orderId;
        var events = new List<InventoryEventReceived>();
        foreach (var line in order["line_items"]?.AsArray() ?? [])
        {
            var uid = Text(line?["uid"]);
            var variation = Text(line?["catalog_object_id"]);
            if (uid is null || variation is null || !int.TryParse(Text(line!["quantity"]), NumberStyles.None, CultureInfo.InvariantCulture, out var quantity) || quantity <= 0)
            {
                // A custom amount, or a fractional quantity sold by weight: no catalog unit to move.
                logger.LogInformation("Skipped a line of Square order {Order}: no catalog variation or no whole quantity", orderId);
                continue;
            }

            var listing = new ListingRef(Domain.Channel.Square, variation);
            var saleId = $"square:sale:{orderId}:{uid}";
            events.Add(new InventoryEventReceived(saleId, InventoryEventKind.Sale, SquareWebhook.Source, listing, null, quantity, occurredAt, receivedAt, reference, LineTotal: SquareLinePrice.Of(line)));
            if (state == "CANCELED")
            {
                events.Add(new InventoryEventReceived($"square:cancel:{orderId}:{uid}", InventoryEventKind.Cancellation, SquareWebhook.Source, listing, null, quantity, occurredAt, receivedAt, reference, SoldAt: createdAt, RestockOf: saleId));
            }
            else if (state == "COMPLETED")
            {
                events.Add(new InventoryEventReceived($"square:shipment:{orderId}:{uid}", InventoryEventKind.Fulfilment, SquareWebhook.Source, listing, null, quantity, occurredAt, receivedAt, reference, SoldAt: createdAt));
            }
        }

        // A sale first, then what undoes or ships it: the ledger holds a restock that arrives before its sale anyway.
        await Parallel.ForEachAsync(
            events.Where(e => e.Kind == InventoryEventKind.Sale),
            new ParallelOptions { MaxDegreeOfParallelism = SendConcurrency, CancellationToken = cancellationToken },
            async (received, ct) => await inventoryEvents.SendAsync(received, ct));
        foreach (var received in events.Where(e => e.Kind != InventoryEventKind.Sale))
        {
            await inventoryEvents.SendAsync(received, cancellationToken);
        }

        logger.LogInformation("Square order {Order} ({Trigger}) is {State}: {Count} events queued", orderId, trigger, state, events.Count);
        return true;
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text) ? text : null;

    private static DateTimeOffset? Time(JsonNode? node) =>
        DateTimeOffset.TryParse(Text(node), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
}

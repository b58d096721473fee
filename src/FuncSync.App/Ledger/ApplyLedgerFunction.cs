using System.Text.Json;
using FuncSync.Alerts;
using FuncSync.Catalog;
using FuncSync.Hosting.Functions;
using FuncSync.Json;

namespace FuncSync.Ledger;

/// <summary>Queue function on <c>inventory-events</c>: resolves the listing to a SKU, applies the
/// event to the ledger exactly once, and hands the pushes it owes to the outbox dispatcher.</summary>
public sealed class ApplyLedgerFunction(
    SkuMapStore map,
    LedgerStore ledger,
    OutboxDispatcher outbox,
    UnmappedEventStore unmapped,
    AlertSender alerts,
    ILogger<ApplyLedgerFunction> logger) : IQueueFunction
{
    public const string Name = "ApplyLedger";

    public async Task RunAsync(QueueTriggerMessage message, CancellationToken cancellationToken)
    {
        // A body that is not an event throws here: retried, then kept in the poison queue for a person.
        var received = JsonSerializer.Deserialize(message.Body, FuncSyncJson.Default.InventoryEventReceived)
            ?? throw new InvalidDataException("The inventory event message is empty.");

        var sku = received.Sku;
        if (sku is null && received.Listing is { } listing)
        {
            sku = await map.FindSkuAsync(listing, cancellationToken);
            if (sku is null)
            {
                await ParkAsync(received, listing, cancellationToken);
                return;
            }
        }

        if (sku is null)
        {
            throw new InvalidDataException($"Event {received.EventId} names neither a SKU nor a listing.");
        }

        var mapping = await map.GetAsync(sku, cancellationToken);
        var result = await ledger.ApplyAsync(received, sku, mapping?.Channels.ToList() ?? [], cancellationToken);
        if (result.Outcome == LedgerApplyOutcome.Duplicate)
        {
            logger.LogInformation("Event {EventId} for {Sku} was applied before; nothing to do", received.EventId, sku);
            return;
        }

        logger.LogInformation(
            "Applied {Kind} {EventId} from {Source}: {Sku} {Before} -> {After}",
            received.Kind, received.EventId, received.Source, sku, result.Change.Before, result.Change.After);

        await outbox.DispatchAsync(result.Outbox, cancellationToken);

        if (result.Change.IsOversell)
        {
            await alerts.RaiseAsync(
                AlertKind.Oversell,
                $"oversell:{sku}",
                $"{sku} is oversold: {received.Source} sold {received.Quantity} ({received.Reference ?? received.EventId}) when {result.Change.Before} were available.",
                sku,
                cancellationToken);
        }
    }

    private async Task ParkAsync(InventoryEventReceived received, ListingRef listing, CancellationToken cancellationToken)
    {
        await unmapped.ParkAsync(received, listing, cancellationToken);
        logger.LogWarning("No SKU is mapped to {Channel} listing {Listing}; event {EventId} parked", listing.Channel, listing.Key, received.EventId);
        await alerts.RaiseAsync(
            AlertKind.UnmappedListing,
            $"unmapped:{listing.Channel}:{listing.Key}",
            $"A sale on {listing.Channel} listing {listing.Key} ({received.Reference ?? received.EventId}) has no SKU mapped; the event is parked until the listing is mapped.",
            null,
            cancellationToken);
    }
}

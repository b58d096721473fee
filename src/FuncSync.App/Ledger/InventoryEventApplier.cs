using System.Globalization;
using System.Text.Json;
using FuncSync.Alerts;
using FuncSync.Catalog;
using FuncSync.Domain.Ledger;
using FuncSync.Domain.Oversells;
using FuncSync.Forecasting;
using FuncSync.Json;
using FuncSync.Standing;
using FuncSync.Telemetry;
using Microsoft.Extensions.Options;

namespace FuncSync.Ledger;

/// <summary>Applies one inventory event: resolves its SKU, works out which stock rows it moves (a
/// bundle or made-to-order listing moves its parts) and which listings it may change, commits it
/// once, hands the pushes to the outbox dispatcher and raises the alerts it calls for. The queue
/// function and the admin API both come through here.</summary>
public sealed class InventoryEventApplier(
    SkuMapStore map,
    LedgerStore ledger,
    OutboxDispatcher outbox,
    UnmappedEventStore unmapped,
    RestocksAwaitingSale awaitingSale,
    InventoryEventSender inventoryEvents,
    AlertSender alerts,
    IOptions<ReturnPolicy> returns,
    ILogger<InventoryEventApplier> logger,
    LowStockMonitor lowStock,
    ChannelStanding standing)
{
    public async Task<ApplyOutcome> ApplyAsync(InventoryEventReceived received, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(received);
        var outcome = await ApplyOnceAsync(received, cancellationToken);
        FuncSyncTelemetry.EventsApplied.Add(1, new KeyValuePair<string, object?>("outcome", outcome.ToString()));
        return outcome;
    }

    private async Task<ApplyOutcome> ApplyOnceAsync(InventoryEventReceived received, CancellationToken cancellationToken)
    {
        var sku = received.Sku;
        if (sku is null && received.Listing is { } listing)
        {
            sku = await map.FindSkuAsync(listing, cancellationToken);
            if (sku is null && received.SkipIfUnmapped)
            {
                logger.LogInformation("Event {EventId} of unmapped {Channel} listing {Listing}, whose stock the channel does not track, skipped", received.EventId, listing.Channel, listing.Key);
                return ApplyOutcome.Skipped;
            }

            if (sku is null)
            {
                await ParkAsync(received, listing, cancellationToken);
                return ApplyOutcome.Parked;
            }

            received = received with { Sku = sku };
        }

        if (sku is null)
        {
            throw new StockRuleException($"Event {received.EventId} names neither a SKU nor a listing.");
        }

        var mapping = await map.GetAsync(sku, cancellationToken)
            ?? throw new UnknownSkuException($"No SKU {sku} is in the SKU map.");
        if (mapping.IsComposed && received.Kind == InventoryEventKind.Count)
        {
            throw new StockRuleException($"{sku} is made of components and has no stock of its own: count its components instead.");
        }

        var moves = mapping.IsComposed ? Composition.Consumption(mapping.Parts, received.Quantity) : [(sku, received.Quantity)];
        var (targets, mappings) = await PushTargetsAsync(mapping, moves, cancellationToken);
        var result = await ledger.ApplyAsync(received, moves, returns.Value.For(received.Listing?.Channel), targets, cancellationToken, oversellable: !mapping.IsUnlimited);
        if (result.Outcome == LedgerApplyOutcome.Duplicate)
        {
            logger.LogInformation("Event {EventId} for {Sku} was applied before; nothing to do", received.EventId, sku);

            // A redelivered sale may be the retry of one that committed and then failed before replaying its restocks.
            await ReplayRestocksAwaitingAsync(received, cancellationToken);
            return ApplyOutcome.Duplicate;
        }

        if (result.Outcome == LedgerApplyOutcome.SaleNotApplied)
        {
            // The sale may land between the ledger's look and the mark: then the restock applies now.
            return await AwaitSaleAsync(received, cancellationToken) ? ApplyOutcome.Parked : await ApplyOnceAsync(received, cancellationToken);
        }

        if (result.Refused > 0)
        {
            await ParkRefusedRestockAsync(received, result.Refused, cancellationToken);
            if (result.Outcome == LedgerApplyOutcome.NothingToRestock)
            {
                return ApplyOutcome.Parked;
            }
        }

        foreach (var change in result.Changes)
        {
            logger.LogInformation(
                "Applied {Kind} {EventId} from {Source}: {Sku} {Before} -> {After}",
                received.Kind, received.EventId, received.Source, change.Sku, change.Change.Before.Available, change.Change.After.Available);
        }

        await outbox.PushNowAsync(result.Outbox, mappings, result.Stock, cancellationToken);
        if (result.RestocksAwait)
        {
            await ReplayHeldAsync(received.EventId, cancellationToken);
        }

        // A made-to-order piece without materials is made when sold: its own row going below zero is the order book.
        foreach (var oversold in result.Changes.Where(c => c.Change.IsOversell && !(mapping.IsUnlimited && string.Equals(c.Sku, mapping.Sku, StringComparison.Ordinal))))
        {
            await RaiseOversellAsync(mapping, oversold, received, cancellationToken);
        }

        await lowStock.CheckAsync(mapping, result.Changes, cancellationToken);

        return ApplyOutcome.Applied;
    }

    /// <summary>Every listing whose quantity the moved rows feed: a row's own listings, and those of
    /// every bundle or made-to-order listing built from it, with the mappings read on the way (the pushes use them).
    /// A plain SKU with no bundles costs no read beyond its own mapping.</summary>
    private async Task<(IReadOnlyCollection<PushTarget> Targets, Dictionary<string, SkuMapping> Mappings)> PushTargetsAsync(
        SkuMapping sold, IReadOnlyList<(string Sku, int Units)> moves, CancellationToken cancellationToken)
    {
        var mappings = new Dictionary<string, SkuMapping>(StringComparer.Ordinal) { [sold.Sku] = sold };
        var targets = new HashSet<PushTarget>(sold.Channels.Select(c => new PushTarget(sold.Sku, c)));
        var related = new HashSet<string>(sold.UsedBy, StringComparer.Ordinal);
        foreach (var (part, _) in moves.Where(m => !string.Equals(m.Sku, sold.Sku, StringComparison.Ordinal)))
        {
            related.Add(part);
            related.UnionWith(await map.ParentsOfAsync(part, cancellationToken));
        }

        related.Remove(sold.Sku);
        foreach (var sku in related)
        {
            if (await map.GetAsync(sku, cancellationToken) is { } mapping)
            {
                mappings[sku] = mapping;
                targets.UnionWith(mapping.Channels.Select(c => new PushTarget(sku, c)));
            }
        }

        return (targets, mappings);
    }

    private async Task RaiseOversellAsync(SkuMapping sold, AppliedChange oversold, InventoryEventReceived received, CancellationToken cancellationToken)
    {
        // Name every order that competes for the missing units, which one to cancel and what to tell
        // its buyer, so the seller can settle it within minutes.
        var competing = await ledger.CompetingSalesAsync(oversold.Sku, cancellationToken);
        var costs = await standing.CostsAsync(cancellationToken);
        var order = new OversellOrder(Who(received.Listing?.Channel, received.Source), received.Reference ?? received.EventId, received.Quantity, received.OccurredAt);
        var sales = competing.Select(s => new OversellOrder(Who(s.Channel, s.Source), s.Reference ?? s.EventId, -s.Delta, s.OccurredAt));
        var shortfall = -oversold.Change.After.Available;
        var advice = OversellAdvice.For(order, sales, shortfall, sold.Title, costs);
        var cancel = advice.Cancel[0];
        var others = advice.Competing.Count == 0
            ? "No other order is on record for these units: a count or an adjustment took them."
            : "Competing orders: " + string.Join("; ", advice.Competing.Select(Describe)) + ".";
        var message = string.Create(
            CultureInfo.InvariantCulture,
            $"{sold.Title} ({oversold.Sku}) is oversold by {shortfall}: {Describe(order)} came in when {Math.Max(0, oversold.Change.Before.Available)} were available. {others}");
        var next = string.Create(
            CultureInfo.InvariantCulture,
            $"Cancel {string.Join(" and ", advice.Cancel.Select(Describe))}: {advice.Why} Send that buyer the message below; the other orders ship.");
        await alerts.RaiseAsync(AlertKind.Oversell, $"oversell:{oversold.Sku}", message, oversold.Sku, new AlertAdvice(order.Channel, next, advice), cancellationToken);
        await standing.CountOversellCancellationAsync(cancel.Channel, cancellationToken);
    }

    /// <summary>A channel by its display name; a person's change by what it was.</summary>
    private static string Who(Domain.Channel? channel, string source) =>
        channel is { } c ? ChannelName(c) : source switch
        {
            "admin" => "Adjustment",
            "demo" => "Demo",
            _ => source,
        };

    private static string ChannelName(Domain.Channel channel) => channel.ToString();

    /// <summary>"Etsy receipt 3025664082 (1 unit)": a reference that already names its channel is not prefixed again.</summary>
    private static string Describe(OversellOrder order)
    {
        var name = order.Reference.StartsWith(order.Channel, StringComparison.OrdinalIgnoreCase) ? order.Reference : $"{order.Channel} order {order.Reference}";
        return string.Create(CultureInfo.InvariantCulture, $"{name} ({order.Units} {(order.Units == 1 ? "unit" : "units")})");
    }

    /// <summary>A cancellation or return came before the sale it undoes (or for a sale FuncSync never saw): it is held,
    /// not lost, and alerted, and its sale queues it again when it lands. The sale is marked as awaited first (its own
    /// transaction then fails on the mark and replays the holds), held second and looked for third, so a sale that
    /// committed after the mark but before the hold, whose replay found nothing, is caught here.</summary>
    /// <returns>False when the sale is in the ledger already and the restock can be applied now.</returns>
    private async Task<bool> AwaitSaleAsync(InventoryEventReceived received, CancellationToken cancellationToken)
    {
        if (!await ledger.MarkSaleAwaitedAsync(received.RestockOf!, cancellationToken))
        {
            return false;
        }

        await awaitingSale.HoldAsync(received, cancellationToken);
        logger.LogWarning("{Kind} {EventId} of {Sku} came before its sale {Sale}; held until the sale is applied", received.Kind, received.EventId, received.Sku, received.RestockOf);
        await alerts.RaiseAsync(
            AlertKind.UnmatchedRestock,
            AwaitingAlertKey(received.EventId),
            string.Create(CultureInfo.InvariantCulture, $"{received.Source} asked to put back {received.Quantity} of {received.Sku} ({received.Reference ?? received.EventId}) for a sale FuncSync has not applied ({received.RestockOf}); nothing was restocked. It is held and applied if that sale arrives."),
            received.Sku,
            cancellationToken);
        if (await ledger.IsAppliedEventAsync(received.RestockOf!, cancellationToken))
        {
            await ReplayHeldAsync(received.RestockOf!, cancellationToken);

            // Raised above, perhaps after the sale's replay cleared it: cleared again.
            await alerts.ClearAsync(AlertKind.UnmatchedRestock, AwaitingAlertKey(received.EventId), cancellationToken);
        }

        return true;
    }

    /// <summary>After a sale is in the ledger: the cancellations and returns that came before it go back on the queue,
    /// where the ledger holds each to what the sale took.</summary>
    private async Task ReplayRestocksAwaitingAsync(InventoryEventReceived received, CancellationToken cancellationToken)
    {
        if (received.Kind == InventoryEventKind.Sale)
        {
            await ReplayHeldAsync(received.EventId, cancellationToken);
        }
    }

    private async Task ReplayHeldAsync(string saleEventId, CancellationToken cancellationToken)
    {
        foreach (var held in await awaitingSale.ListAsync(saleEventId, cancellationToken))
        {
            // Queued before released: a crash in between replays it again, and its dedupe row makes that a no-op.
            await inventoryEvents.ResendAsync(held.Event, cancellationToken);
            await awaitingSale.ReleaseAsync(held, cancellationToken);
            var restockId = JsonSerializer.Deserialize(held.Event, FuncSyncJson.Default.InventoryEventReceived)?.EventId;
            if (restockId is not null)
            {
                await alerts.ClearAsync(AlertKind.UnmatchedRestock, AwaitingAlertKey(restockId), cancellationToken);
            }

            logger.LogInformation("Sale {Sale} is in the ledger; replayed a restock that came before it", saleEventId);
        }
    }

    private static string AwaitingAlertKey(string restockEventId) => $"restock-awaiting:{restockEventId}";

    /// <summary>A channel asked to restock more than the sale it names took, less what earlier restocks of it gave
    /// back: the units it did not give back are parked and alerted like an unmapped sale, for the seller to judge.</summary>
    private async Task ParkRefusedRestockAsync(InventoryEventReceived received, int refused, CancellationToken cancellationToken)
    {
        if (received.Listing is { } listing)
        {
            await unmapped.ParkAsync(received with { Quantity = refused }, listing, cancellationToken);
        }

        logger.LogWarning(
            "Refused to restock {Refused} of {Quantity} units of {Sku} for {EventId}: sale {Sale} did not take them; parked",
            refused, received.Quantity, received.Sku, received.EventId, received.RestockOf);
        await alerts.RaiseAsync(
            AlertKind.UnmatchedRestock,
            $"restock:{received.EventId}",
            string.Create(CultureInfo.InvariantCulture, $"{received.Source} asked to put back {received.Quantity} of {received.Sku} ({received.Reference ?? received.EventId}), but the sale it undoes ({received.RestockOf}) left only {received.Quantity - refused} to give back; the other {refused} were not restocked and the event is parked."),
            received.Sku,
            cancellationToken);
    }

    private async Task ParkAsync(InventoryEventReceived received, ListingRef listing, CancellationToken cancellationToken)
    {
        await unmapped.ParkAsync(received, listing, cancellationToken);
        logger.LogWarning("No SKU is mapped to {Channel} listing {Listing}; event {EventId} parked", listing.Channel, listing.Key, received.EventId);
        await alerts.RaiseAsync(
            AlertKind.UnmappedListing,
            Mapping.MappingAuditor.UnmappedKey(listing),
            $"A sale on {ChannelName(listing.Channel)} listing {listing.Key} ({received.Reference ?? received.EventId}) has no SKU mapped; the event is parked until the listing is mapped.",
            null,
            new AlertAdvice(ChannelName(listing.Channel), $"Map {ChannelName(listing.Channel)} listing {listing.Key} to a SKU on the Mappings page; the parked sale is applied as soon as it is mapped, and then ship the order as usual."),
            cancellationToken);
    }
}

public enum ApplyOutcome
{
    Applied,
    Duplicate,
    Parked,

    /// <summary>An event nobody meant to sync: an unmapped listing whose stock its channel does not track.</summary>
    Skipped,
}

/// <summary>The event names a SKU the map does not know.</summary>
public sealed class UnknownSkuException : Exception
{
    public UnknownSkuException()
    {
    }

    public UnknownSkuException(string message)
        : base(message)
    {
    }

    public UnknownSkuException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

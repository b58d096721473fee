using System.Globalization;
using FuncSync.Catalog;
using FuncSync.Domain;
using FuncSync.Domain.Ledger;
using FuncSync.Ledger;

namespace FuncSync.Push;

/// <summary>The echo-aware level check, for channels that report every change of a listing's quantity (Shopify's
/// <c>inventory_levels/update</c>, Square's <c>inventory.count.updated</c>), FuncSync's own writes and the channel's
/// own sales included. Run after a settling delay, it reads the channel now (level-triggered: a late or repeated report
/// cannot replay an old number) and takes only the difference from what the push record explains as a change made on
/// the channel: FuncSync's writes are in the record (a write in flight is announced in it), and the channel's sales
/// the ledger has imported since come off it through the sold counters. The rest (an edit, a count at a register, a
/// sale the channel reported no order for) becomes one adjustment on <c>inventory-events</c>.</summary>
public sealed class ChannelLevelCheck(
    LedgerStore ledger,
    PushStore pushes,
    InventoryEventSender inventoryEvents,
    TimeProvider time,
    ILogger<ChannelLevelCheck> logger)
{
    // A write announced this long ago without a record means its push died (as the push itself judges it).
    private static readonly TimeSpan AnnouncedWriteLifetime = TimeSpan.FromSeconds(30);

    /// <summary>Compares the channel with the push record and queues what the record does not explain.</summary>
    /// <param name="readShown">Reads what the channel shows for <paramref name="mapping"/> now.</param>
    /// <returns>The adjustment queued, or null when the level is explained (an echo, an imported sale) or there is no
    /// record to measure against.</returns>
    /// <exception cref="InvalidOperationException">A push of the listing is writing, or recorded meanwhile: the caller's
    /// message is retried and compares again.</exception>
    public async Task<InventoryEventReceived?> CheckAsync(SkuMapping mapping, Channel channel, Func<CancellationToken, Task<int>> readShown, LevelChange change, CancellationToken cancellationToken)
    {
        var last = await pushes.GetAsync(mapping.Sku, channel, cancellationToken);
        if (last is null)
        {
            // Without a value FuncSync saw or wrote there is nothing to measure a change against; the first push brings
            // the level in line with the ledger.
            logger.LogInformation("{Sku} has no push record on {Channel} yet; level change {EventId} not measured", mapping.Sku, channel, change.EventId);
            return null;
        }

        var sold = (await ledger.GetAvailabilityAsync(mapping, cancellationToken)).SoldOn(channel);
        var now = await readShown(cancellationToken);
        if (now == last.WritingTo)
        {
            logger.LogDebug("{Sku} on {Channel} shows {Shown}, the write in flight", mapping.Sku, channel, now);
            return null;
        }

        if (!Channels.ChannelModules.Of(channel).Capabilities.CompareAndSet
            && last.WritingId is not null && time.GetUtcNow() - last.WritingSince < AnnouncedWriteLifetime)
        {
            // A write is landing without compare-and-set (a delta, which commutes with a sale made meanwhile): the channel
            // may show it plus a change of its own, and only the push's record can tell them apart. Compare after it. A
            // compare-and-set write cannot mix like that: it lands whole or is refused.
            throw new InvalidOperationException($"A push of {mapping.Sku} to {channel} is writing; the level check waits for its record.");
        }

        var expected = (int)last.View.Expected(sold);
        var delta = now - expected;
        if (delta == 0)
        {
            logger.LogDebug("{Sku} on {Channel} shows {Shown}, as last recorded: an echo or an imported sale", mapping.Sku, channel, now);
            return null;
        }

        var adjustment = new InventoryEventReceived(
            EventId: change.EventId,
            Kind: InventoryEventKind.Adjustment,
            Source: change.Source,
            Listing: null,
            Sku: mapping.Sku,
            Quantity: delta,
            OccurredAt: change.OccurredAt,
            ReceivedAt: change.ReceivedAt,
            Reference: string.Create(CultureInfo.InvariantCulture, $"{change.Reference}: {expected} -> {now}"),
            Reason: change.Reason);

        // Sent before the record: if the record fails the message is retried and the same event id dedupes in the
        // ledger; the other order could lose the adjustment.
        await inventoryEvents.SendAsync(adjustment, cancellationToken);

        // What looked like unseen sales was this change: nothing is left unseen.
        var seen = last with { Shown = now, SoldSeen = sold, Unseen = 0, CheckedAt = time.GetUtcNow() };
        if (await pushes.TryRecordAsync(seen, last.ETag, cancellationToken) is null)
        {
            // A push recorded meanwhile; the retry compares the channel with that newer record.
            throw new InvalidOperationException($"The push record of {mapping.Sku} on {channel} changed during the level check; retrying.");
        }

        logger.LogInformation("{Sku}: {Channel} changed by {Delta} outside FuncSync ({Before} -> {After}); adjustment {EventId} queued", mapping.Sku, channel, delta, expected, now, adjustment.EventId);
        return adjustment;
    }
}

/// <summary>A reported level change, as the ledger's adjustment will name it.</summary>
/// <param name="EventId">Derived from the channel's own event id, so a redelivered report adjusts once.</param>
/// <param name="Reference">Names the level for history (the expected and actual figures are appended).</param>
public sealed record LevelChange(string EventId, string Source, string Reason, string Reference, DateTimeOffset OccurredAt, DateTimeOffset ReceivedAt);

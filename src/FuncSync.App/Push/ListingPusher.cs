using FuncSync.Alerts;
using FuncSync.Allocation;
using FuncSync.Catalog;
using FuncSync.Domain;
using FuncSync.Domain.Allocation;
using FuncSync.Ledger;
using FuncSync.Monitoring;
using FuncSync.Telemetry;
using Microsoft.Extensions.Options;

namespace FuncSync.Push;

/// <summary>One push of one listing: reads the ledger now, works out what the channel should show under the allocation
/// policy (computed over every channel the SKU is listed on), and writes it only if the channel shows something else.
/// Run at once after a ledger commit (<see cref="Ledger.OutboxDispatcher"/>) and by <see cref="PushChannelFunction"/>
/// for what comes through the <c>channel-push</c> queue: retries, re-checks and the pushes of bulk changes.</summary>
/// <remarks>A push that fails throws (after its alert is raised): the caller queues it, or, on the queue, the queue
/// retries and poisons it. A channel that asks to come back later, or a listing another push is writing, is not a
/// failure: the same push goes back on the queue, delayed, and this one returns.</remarks>
public sealed class ListingPusher(
    SkuMapStore map,
    LedgerStore ledger,
    PushStore pushes,
    IEnumerable<IChannelInventory> connectors,
    IOptions<AllocationOptions> allocation,
    AllocationInForce allocations,
    PushRechecks rechecks,
    ChannelPushSender pushQueue,
    TimeProvider time,
    ILogger<ListingPusher> logger,
    PushFailureAlerts failures,
    ChannelActivity activity,
    WriteUnitLocks writeUnits)
{
    // A compare-and-set refused twice in a row means a busy listing; the queue retries later.
    private const int MaxAttempts = 3;

    // Read-backs after writes of one push; past this the write stays recorded as Written (not verified) for the next push.
    private const int MaxReadBacks = 3;

    // Waiting for another push of the same listing to record its write: about 3 s in all.
    private const int MaxWaits = 7;

    private static readonly TimeSpan RecheckSlack = TimeSpan.FromMinutes(1);

    // Throttled this often in a row (about 15 s of backoff), the listing's push is alerted as failing until it lands.
    private const int ThrottledTimesBeforeAlert = 4;

    // A write announced this long ago without a record means its push died; no write takes that long.
    private static readonly TimeSpan AnnouncedWriteLifetime = TimeSpan.FromSeconds(30);

    /// <summary>A third of an announcement's lifetime: at most three returns before it is recorded or lapses.</summary>
    private static readonly TimeSpan BusyRetryDelay = AnnouncedWriteLifetime / 3;

    /// <param name="known">What the caller has just read or committed (the ledger's apply), or null to read it all.</param>
    public async Task RunAsync(SyncListing command, PushStart? known, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);

        // Monitoring: a failure is an alert for this listing (the queue still retries and poisons); a
        // success clears it and is the channel's last successful push.
        var started = time.GetTimestamp();
        bool mayHaveFailed;
        try
        {
            mayHaveFailed = await PushAsync(command, known, cancellationToken);
        }
        catch (ChannelThrottledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            await RetryLaterAsync(command, ex, cancellationToken);
            return;
        }
        catch (ListingBusyException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Another push of this listing announced a write and has not recorded it (a channel that applies writes
            // late, Amazon, holds that longer than this push waits), or other pushes kept recording first. No failure
            // of either: this one comes back once they have had time to finish, without a failure count that would
            // poison it.
            logger.LogInformation("{Message} Pushing again in {Delay}", ex.Message, BusyRetryDelay);
            await rechecks.SendLaterAsync(command, BusyRetryDelay, cancellationToken);
            return;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            FuncSyncTelemetry.RecordPush(command.Channel, failed: true, time.GetElapsedTime(started));
            await failures.FailedAsync(command.Sku, command.Channel, ex, cancellationToken);
            throw;
        }

        FuncSyncTelemetry.RecordPush(command.Channel, failed: false, time.GetElapsedTime(started));
        if (mayHaveFailed)
        {
            await failures.SucceededAsync(command.Sku, command.Channel, cancellationToken);
        }
        await activity.RecordPushAsync(command.Channel, cancellationToken);
    }

    /// <summary>The channel asked us to come back later: no verdict on the push, so it is not thrown to the queue
    /// (five throttles in a throttling window would poison it and leave the listing stale). The same push goes back
    /// on the queue, delayed by the channel's Retry-After or a backoff, and this message completes. Sent before this
    /// message is deleted: a crash in between leaves two pushes of one listing, which are level-triggered.</summary>
    private async Task RetryLaterAsync(SyncListing command, ChannelThrottledException throttled, CancellationToken cancellationToken)
    {
        // Jitter needs no reproducibility: nothing depends on it but the spread of the retries.
        var delay = ThrottleBackoff.Delay(command.Throttled, throttled.RetryAfter, Random.Shared.NextDouble());
        logger.LogWarning(
            "{Channel} asked to come back later ({Status}) while pushing {Sku}; pushing again in {Delay} (throttled {Times} times in a row)",
            command.Channel, (int?)throttled.StatusCode, command.Sku, delay, command.Throttled + 1);
        await rechecks.SendLaterAsync(command with { Throttled = command.Throttled + 1 }, delay, cancellationToken);
        if (command.Throttled + 1 >= ThrottledTimesBeforeAlert)
        {
            // A throttle of a few seconds is the channel's normal pacing; one that lasts is the seller's business.
            await failures.FailedAsync(command.Sku, command.Channel, throttled, cancellationToken);
        }
    }

    /// <returns>Whether a push of this listing may have failed and raised an alert that this success clears: the
    /// listing had no record yet, or a record read on the way was marked <see cref="PushRecord.Failing"/>.</returns>
    private async Task<bool> PushAsync(SyncListing command, PushStart? known, CancellationToken cancellationToken)
    {
        var mapping = known?.Mapping ?? await map.GetAsync(command.Sku, cancellationToken);
        if (mapping is null || !mapping.Channels.Contains(command.Channel))
        {
            logger.LogWarning("{Sku} is no longer mapped on {Channel}; push skipped", command.Sku, command.Channel);
            return false;
        }

        var connector = connectors.Single(c => c.Channel == command.Channel);

        // A write that replaces other SKUs' quantities too waits for every other push of its unit, from read to record.
        // Where the read shows whether it does, a unit not known to be shared is read first and held only if it is.
        var unitKey = connector.WriteUnit(mapping);
        await using var unit = await WriteUnitHold.EnterAsync(writeUnits, unitKey, cancellationToken);
        var holdFirst = unitKey is not null && (!connector.ReadShowsUnit || writeUnits.IsKnownShared(unitKey));
        if (holdFirst)
        {
            await unit.AcquireAsync(cancellationToken);
        }

        // Under the unit's lease, or after waiting for another push of the unit, the push reads afresh: what the caller
        // read may be older than the last push's record.
        var (records, stock) = (unit.Waited || unit.Held ? null : known?.Usable) ?? await LoadAsync(mapping, cancellationToken);
        var mayHaveFailed = false;
        var last = Seen(records.GetValueOrDefault(command.Channel));
        mayHaveFailed |= last is null;
        if (IsCovered(command, last, stock))
        {
            // An earlier push already brought this channel to this ledger state or a newer one: a burst
            // of sales costs the channel one write, not one per sale.
            logger.LogDebug("{Sku} on {Channel} already reflects ledger version {Version}", command.Sku, command.Channel, stock.Version);
            return mayHaveFailed;
        }

        var skuAllocation = await allocations.ForAsync(mapping, stock, cancellationToken);
        var rules = skuAllocation.Rules;
        var inForce = skuAllocation.Threshold;
        var threshold = inForce.Value;

        // This invocation's announced write, and what it wrote as it would have recorded it: after a
        // racing record, the channel showing it is our own doing, not an unseen sale.
        string? writingId = null;
        ChannelView? ownWrite = null;
        var waits = 0;
        var readBacks = 0;
        int? heldBeforeWrite = null;

        // A write about to be read back, as it would be recorded, not yet stored: the read-back's own record replaces it.
        PushRecord? unrecorded = null;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var abandoned = false;
                if (last is { WritingId: { } other } && other != writingId)
                {
                    if (time.GetUtcNow() - last.WritingSince < AnnouncedWriteLifetime)
                    {
                        // Another push of this listing is writing: whether its write landed decides what the
                        // channel's count means, so wait for its record rather than guess.
                        if (++waits > MaxWaits)
                        {
                            throw new ListingBusyException($"Another push of {command.Sku} to {command.Channel} is still writing.");
                        }

                        await Task.Delay(TimeSpan.FromMilliseconds(25 << waits), time, cancellationToken);
                        (records, stock) = await LoadAsync(mapping, cancellationToken);
                        last = Seen(records.GetValueOrDefault(command.Channel));
                        if (writingId is null && IsCovered(command, last, stock))
                        {
                            // The push we waited for brought the channel to this ledger state or a newer one.
                            return mayHaveFailed;
                        }

                        attempt--;
                        continue;
                    }

                    // Its writer died between announcing and recording: take the channel's count as it is.
                    abandoned = true;
                }

                // The ledger (quantity and sold counters) was read before the channel: a sale counted in
                // between shows as unseen for a moment, never a sale as seen that the channel has not made.
                var views = Views(mapping, command.Channel, last, records);
                (connector as IPushRecordObserver)?.Observe(last, stock);
                var current = await connector.ReadAsync(mapping, cancellationToken);
                if (unitKey is not null && connector.ReadShowsUnit && writeUnits.Learn(unitKey, connector.CarriesOthers(current)) && !unit.Held)
                {
                    // This write would carry other SKUs' quantities: it starts again under the unit's lease, from a fresh read,
                    // unless a push that held it meanwhile brought this channel to this ledger state or a newer one.
                    await RecordUnrecordedAsync();
                    await unit.AcquireAsync(cancellationToken);
                    (records, stock) = await LoadAsync(mapping, cancellationToken);
                    last = Seen(records.GetValueOrDefault(command.Channel));
                    if (ownWrite is null && IsCovered(command, last, stock))
                    {
                        return mayHaveFailed;
                    }

                    attempt--;
                    continue;
                }

                var own = abandoned ? new ChannelView(current.Quantity, stock.SoldOn(command.Channel))
                    : ownWrite is not null && ownWrite.Shown == current.Quantity ? ownWrite
                    : views[command.Channel];
                views[command.Channel] = own;
                var decision = Decide(command.Channel, current.Quantity, stock, rules, threshold, views);
                if (decision.Action == PushAction.Write)
                {
                    writingId = Guid.NewGuid().ToString("N");
                    var before = last ?? new PushRecord(command.Sku, command.Channel, current.Quantity, decision.Share, PushStatus.InSync, 0, time.GetUtcNow(), null) { SoldSeen = stock.SoldOn(command.Channel) };
                    var intent = before with { WritingId = writingId, WritingTo = decision.Target, WritingSince = time.GetUtcNow() };
                    var announced = await pushes.TryAnnounceAsync(intent, last?.ETag ?? default, cancellationToken);
                    unrecorded = null;
                    if (announced is null)
                    {
                        // Another push of this listing recorded first. Nothing was written yet, so if it brought the channel to
                        // this ledger state or a newer one, this push has nothing left to do: a flash sale's many pushes of
                        // one listing end here instead of racing each other to the queue's retry.
                        if (readBacks > 0)
                        {
                            return TakenOver(command, mayHaveFailed);
                        }

                        (records, stock) = await LoadAsync(mapping, cancellationToken);
                        last = Seen(records.GetValueOrDefault(command.Channel));
                        if (ownWrite is null && IsCovered(command, last, stock))
                        {
                            return mayHaveFailed;
                        }

                        ThrowIfRacingTooLong(command, attempt);
                        continue;
                    }

                    last = announced;
                    if (decision.IsProtected && decision.Target > current.Quantity)
                    {
                        // Decide again now that the rise is announced: of two channels rising at once, at
                        // least one sees the other's announcement and leaves it the units.
                        views = Views(mapping, command.Channel, last, await pushes.GetAllAsync(command.Sku, cancellationToken));
                        views[command.Channel] = own;
                        var again = Decide(command.Channel, current.Quantity, stock, rules, threshold, views);
                        decision = again.Target < decision.Target ? again : decision;
                    }
                }

                var status = decision.Action switch
                {
                    PushAction.Write => PushStatus.Written,
                    PushAction.Defer => PushStatus.Deferred,
                    _ => PushStatus.InSync,
                };
                var soldSeen = stock.SoldOn(command.Channel);
                if (status == PushStatus.Written)
                {
                    try
                    {
                        await connector.WriteAsync(mapping, current, decision.Target, cancellationToken);
                        ownWrite = decision.View(decision.Target, soldSeen);
                    }
                    catch (StaleChannelQuantityException) when (attempt < MaxAttempts)
                    {
                        // A buyer bought between our read and our write. Re-read: the difference is this
                        // channel's sale the ledger has not applied yet; it comes off every share and is
                        // kept in the record until the sale's own event reaches the ledger.
                        logger.LogInformation("{Channel} changed {Sku} while we wrote; re-reading", command.Channel, command.Sku);
                        (records, stock) = await LoadAsync(mapping, cancellationToken);
                        last = Seen(records.GetValueOrDefault(command.Channel));
                        continue;
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException && last is not null)
                    {
                        // Leave no announcement behind for the queue's retry to wait on: a refused write did
                        // not land; after any other failure nobody knows, so the next push takes the
                        // channel's count as it finds it.
                        var refused = ex is StaleChannelQuantityException or ChannelRequestException or ChannelThrottledException { Refused: true };
                        var released = refused
                            ? last with { WritingId = null, WritingTo = null, WritingSince = null }
                            : last with { WritingSince = DateTimeOffset.UnixEpoch };
                        await pushes.TryRecordAsync(released, last.ETag, CancellationToken.None);
                        throw;
                    }
                }

                var now = time.GetUtcNow();
                var shown = status == PushStatus.Written ? decision.Target : current.Quantity;

                // A derived threshold fades with the velocity: units it partitioned are looked at again
                // later, one re-check outstanding per listing. A re-check arriving a little before its due
                // time (queue and clock do not agree to the second) counts as the one due.
                var recheckDue = last?.RecheckAt is { } due && due > now + RecheckSlack ? due : (DateTimeOffset?)null;
                var scheduleRecheck = recheckDue is null && inForce.Source == ThresholdSource.Derived && decision.IsProtected && decision.Left > 0;
                if (scheduleRecheck)
                {
                    recheckDue = now + allocation.Value.RecheckEvery;
                }

                // The record keeps the channel's share as its target: a share held back until another
                // channel's decrease lands shows as Shown < Target, which lets the next push through.
                var record = new PushRecord(command.Sku, command.Channel, shown, decision.Share, status, stock.Version, now, status == PushStatus.Written ? now : last?.WrittenAt)
                {
                    SoldSeen = soldSeen,
                    Unseen = decision.UnseenHere,
                    RecheckAt = recheckDue,
                };
                var heldBefore = heldBeforeWrite ?? Math.Max(current.Quantity, last?.View.AtMost ?? 0);
                if (status == PushStatus.Written && unitKey is not null && readBacks < MaxReadBacks)
                {
                    // A write that replaces a whole unit has no compare-and-set: it is read back (under the unit's lease, if
                    // it holds one) and decided again. Showing what we wrote makes it InSync; showing less is our write
                    // followed by a buyer, whom the record's sold counters keep as unseen until the sale's own event
                    // arrives, never counted twice; showing anything else means the write did not stick, and the decision
                    // writes again.
                    readBacks++;
                    logger.LogInformation("Push {Sku} to {Channel}: wrote {Target}; reading it back", command.Sku, command.Channel, decision.Target);
                    heldBeforeWrite = heldBefore;
                    if (scheduleRecheck)
                    {
                        await rechecks.SendAsync(new SyncListing(command.Sku, command.Channel), allocation.Value.RecheckEvery, cancellationToken);
                    }

                    // The record this write would get (Written: what we sent, with the sales seen so far) is kept, not
                    // stored: the announcement stands for the write until the read-back's record replaces it in one
                    // request, and another push of this listing waits for that as it would for the write. The read-back
                    // decides from what this write was decided on, with this record: the ledger is still read before the
                    // channel and no record is newer than it, so a sale the ledger applied since shows as unseen for a
                    // moment, as after any read, and the next push of the SKU (that sale's own) sees it.
                    unrecorded = record with { ETag = last!.ETag };
                    records = new Dictionary<Channel, PushRecord>(records) { [command.Channel] = unrecorded };
                    last = unrecorded;
                    continue;
                }

                var stored = await pushes.TryRecordAsync(record, last?.ETag ?? default, cancellationToken);
                unrecorded = null;
                if (stored is null)
                {
                    // Another push of this listing ran alongside. If this one wrote, one of the two writes may have landed
                    // last with an older ledger state: look at the channel again. If it did not, the other one's record
                    // stands when it covers this ledger state.
                    if (readBacks > 0)
                    {
                        return TakenOver(command, mayHaveFailed);
                    }

                    (records, stock) = await LoadAsync(mapping, cancellationToken);
                    last = Seen(records.GetValueOrDefault(command.Channel));
                    if (ownWrite is null && status != PushStatus.Written && IsCovered(command, last, stock))
                    {
                        return mayHaveFailed;
                    }

                    ThrowIfRacingTooLong(command, attempt);
                    continue;
                }

                if (scheduleRecheck)
                {
                    await rechecks.SendAsync(new SyncListing(command.Sku, command.Channel), allocation.Value.RecheckEvery, cancellationToken);
                }

                logger.LogInformation(
                    "Push {Sku} to {Channel}: {Status} (channel showed {Current}, ledger wants {Target}, {Unseen} sold there not yet seen, threshold {Threshold} from {ThresholdSource})",
                    command.Sku, command.Channel, status, current.Quantity, decision.Target, decision.UnseenHere, threshold, inForce.Source);
                if (decision.IsProtected)
                {
                    await ReleaseHeldSharesAsync(command, mapping, record, heldBefore, stock, rules, threshold, cancellationToken);
                }

                return mayHaveFailed;
            }
        }
        catch (Exception) when (unrecorded is not null)
        {
            // This push wrote and was to read the write back before recording it: whatever ended it, the write is
            // recorded as Written (what was sent, with the sales seen so far), so the next push need not wait out the
            // announcement.
            await RecordUnrecordedAsync();
            throw;
        }

        async Task RecordUnrecordedAsync()
        {
            var written = unrecorded;
            unrecorded = null;
            if (written is not null)
            {
                await pushes.TryRecordAsync(written, written.ETag, CancellationToken.None);
            }
        }

        // Every record of this listing the push reads passes here: one marked failing means an alert may be open.
        PushRecord? Seen(PushRecord? record)
        {
            mayHaveFailed |= record is { Failing: true };
            return record;
        }
    }

    /// <summary>In the protected zone a channel's rise waits for the other channels' decreases. Whoever
    /// records second sees the other's record: a channel that now holds fewer units than before (a
    /// decrease, or an announced rise given up) wakes the channels waiting for them, and a channel left
    /// waiting checks whether the units came free meanwhile.</summary>
    private async Task ReleaseHeldSharesAsync(
        SyncListing command, SkuMapping mapping, PushRecord record, int heldBefore, SkuAvailability stock, IReadOnlyList<ChannelRule<Channel>> rules, int threshold, CancellationToken cancellationToken)
    {
        var shrank = record.View.AtMost < heldBefore;
        if (!shrank && !IsHeld(record))
        {
            return;
        }

        // Read after our record is stored: of two pushes recording at once, the second sees the first.
        var records = await pushes.GetAllAsync(command.Sku, cancellationToken);
        if (shrank)
        {
            foreach (var channel in mapping.Channels.Where(c => c != command.Channel))
            {
                if (records.GetValueOrDefault(channel) is { } other && IsHeld(other))
                {
                    await EnqueueAsync(new SyncListing(command.Sku, channel), cancellationToken);
                }
            }
        }

        if (IsHeld(record))
        {
            var views = Views(mapping, command.Channel, record, records);
            if (Decide(command.Channel, record.Shown, stock, rules, threshold, views).Target > record.Shown)
            {
                await EnqueueAsync(command, cancellationToken);
            }
        }
    }

    private static PushDecision Decide(Channel channel, int current, SkuAvailability stock, IReadOnlyList<ChannelRule<Channel>> rules, int threshold, Dictionary<Channel, ChannelView?> views) =>
        PushRule.Decide(channel, current, stock.Available, rules, threshold, c => views.GetValueOrDefault(c), stock.SoldOn);

    /// <summary>Every channel's last record as the allocation rule reads it: this one's from
    /// <paramref name="own"/>, the others' from <paramref name="records"/>.</summary>
    private static Dictionary<Channel, ChannelView?> Views(SkuMapping mapping, Channel channel, PushRecord? own, IReadOnlyDictionary<Channel, PushRecord> records) =>
        mapping.Channels.ToDictionary(c => c, c => c == channel ? own?.View : records.GetValueOrDefault(c)?.View);

    /// <summary>Between reading its write back and recording what it saw, another push of this listing recorded or
    /// announced. That push read the records after this one's write was recorded as <see cref="PushStatus.Written"/>,
    /// so it read the channel after the write landed, and what it decides carries on from there: this push is done,
    /// instead of racing it to the queue's retry (a listing without a write lease, where nothing else holds the second
    /// push back until the read-back is recorded).</summary>
    private bool TakenOver(SyncListing command, bool mayHaveFailed)
    {
        logger.LogInformation("Push {Sku} to {Channel}: another push took over after this one's write", command.Sku, command.Channel);
        return mayHaveFailed;
    }

    /// <summary>Other pushes of this listing kept recording first: the listing is busy, not broken. This push comes back
    /// later (as when another push is still writing) instead of failing towards poison: in the demo, pushes of one
    /// Amazon listing whose writes wait for their read-back lost three races in a row and were poisoned.</summary>
    private static void ThrowIfRacingTooLong(SyncListing command, int attempt)
    {
        if (attempt >= MaxAttempts)
        {
            throw new ListingBusyException($"Pushes of {command.Sku} to {command.Channel} keep racing.");
        }
    }

    /// <summary>An earlier push already brought this channel to this ledger state or a newer one, and nothing is being
    /// written or held back: a burst of sales costs the channel one write, not one per sale.</summary>
    private static bool IsCovered(SyncListing command, PushRecord? last, SkuAvailability stock) =>
        !command.Recheck && last is { WritingId: null } && last.LedgerVersion >= stock.Version && !IsHeld(last);

    private Task EnqueueAsync(SyncListing command, CancellationToken cancellationToken) =>
        pushQueue.SendAsync(command, cancellationToken);

    /// <summary>Showing less than its share because other channels still showed the units: not done.
    /// A deferred increase is different: it waits for a sale's own event, never for another push.</summary>
    internal static bool IsHeld(PushRecord record) => record.Status != PushStatus.Deferred && record.Shown < record.Target;

    /// <summary>Every channel's push record (one query), then the ledger: a sale the ledger counts after the records
    /// were read shows as sold since they were taken, never the reverse.</summary>
    private async Task<(IReadOnlyDictionary<Channel, PushRecord> Records, SkuAvailability Stock)> LoadAsync(SkuMapping mapping, CancellationToken cancellationToken) =>
        (await pushes.GetAllAsync(mapping.Sku, cancellationToken), await ledger.GetAvailabilityAsync(mapping, cancellationToken));
}

/// <summary>Another push of the same listing is between announcing its write and recording it.</summary>
public sealed class ListingBusyException : Exception
{
    public ListingBusyException()
    {
    }

    public ListingBusyException(string message)
        : base(message)
    {
    }

    public ListingBusyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

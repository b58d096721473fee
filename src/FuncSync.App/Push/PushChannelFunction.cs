using System.Text.Json;
using FuncSync.Alerts;
using FuncSync.Allocation;
using FuncSync.Catalog;
using FuncSync.Domain;
using FuncSync.Domain.Allocation;
using FuncSync.Hosting.Functions;
using FuncSync.Json;
using FuncSync.Ledger;
using FuncSync.Monitoring;
using FuncSync.Storage;
using FuncSync.Telemetry;
using Microsoft.Extensions.Options;

namespace FuncSync.Push;

/// <summary>Queue function on <c>channel-push</c>: reads the ledger now, works out what the channel
/// should show under the allocation policy (computed over every channel the SKU is listed on), and
/// writes it only if the channel shows something else.</summary>
public sealed class PushChannelFunction(
    SkuMapStore map,
    LedgerStore ledger,
    PushStore pushes,
    IEnumerable<IChannelInventory> connectors,
    IOptions<AllocationOptions> allocation,
    IDerivedThreshold derivedThreshold,
    IQueueSender queues,
    StorageNames names,
    TimeProvider time,
    ILogger<PushChannelFunction> logger,
    PushFailureAlerts failures,
    ChannelActivity activity) : IQueueFunction
{
    public const string Name = "PushChannel";

    // A compare-and-set refused twice in a row means a busy listing; the queue retries later.
    private const int MaxAttempts = 3;

    public async Task RunAsync(QueueTriggerMessage message, CancellationToken cancellationToken)
    {
        var command = JsonSerializer.Deserialize(message.Body, FuncSyncJson.Default.SyncListing)
            ?? throw new InvalidDataException("The push message is empty.");

        // Monitoring: a failure is an alert for this listing (the queue still retries and poisons); a
        // success clears it and is the channel's last successful push.
        var started = time.GetTimestamp();
        try
        {
            await PushAsync(command, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            FuncSyncTelemetry.RecordPush(command.Channel, failed: true, time.GetElapsedTime(started));
            await failures.FailedAsync(command.Sku, command.Channel, ex, cancellationToken);
            throw;
        }

        FuncSyncTelemetry.RecordPush(command.Channel, failed: false, time.GetElapsedTime(started));
        await failures.SucceededAsync(command.Sku, command.Channel, cancellationToken);
        await activity.RecordPushAsync(command.Channel, cancellationToken);
    }

    private async Task PushAsync(SyncListing command, CancellationToken cancellationToken)
    {
        var mapping = await map.GetAsync(command.Sku, cancellationToken);
        if (mapping is null || !mapping.Channels.Contains(command.Channel))
        {
            logger.LogWarning("{Sku} is no longer mapped on {Channel}; push skipped", command.Sku, command.Channel);
            return;
        }

        var connector = connectors.Single(c => c.Channel == command.Channel);
        var last = await pushes.GetAsync(command.Sku, command.Channel, cancellationToken);
        var stock = await ledger.GetAvailabilityAsync(mapping, cancellationToken);
        if (last is not null && last.LedgerVersion >= stock.Version && !IsHeld(last))
        {
            // An earlier push already brought this channel to this ledger state or a newer one: a burst
            // of sales costs the channel one write, not one per sale.
            logger.LogDebug("{Sku} on {Channel} already reflects ledger version {Version}", command.Sku, command.Channel, stock.Version);
            return;
        }

        var rules = allocation.Value.RulesFor(mapping.Channels);
        var threshold = allocation.Value.Policy.EffectiveThreshold(await derivedThreshold.ForAsync(mapping, cancellationToken));

        // What this invocation itself wrote: after a racing push, the channel showing it is our own
        // doing, not an unseen sale.
        int? ownWrite = null;
        for (var attempt = 1; ; attempt++)
        {
            var share = ChannelAllocation.Allocate(stock.Available, rules, threshold)[IndexOf(rules, command.Channel)];
            var isProtected = ChannelAllocation.IsProtected(stock.Available, threshold);
            var elsewhere = isProtected ? await OthersShownAsync(mapping, command.Channel, cancellationToken) : [];
            var target = isProtected
                ? ChannelAllocation.TargetFor(command.Channel, stock.Available, rules, threshold, c => elsewhere.GetValueOrDefault(c))
                : share;
            var current = await connector.ReadAsync(mapping, cancellationToken);
            var status = Decide(current.Quantity, target, last, ownWrite);
            if (status == PushStatus.Written)
            {
                try
                {
                    await connector.WriteAsync(mapping, current, target, cancellationToken);
                    ownWrite = target;
                }
                catch (StaleChannelQuantityException) when (attempt < MaxAttempts)
                {
                    logger.LogInformation("{Channel} changed {Sku} while we wrote; re-reading", command.Channel, command.Sku);
                    (last, stock) = await ReloadAsync(command, mapping, cancellationToken);
                    continue;
                }
            }

            var now = time.GetUtcNow();
            var shown = status == PushStatus.Written ? target : current.Quantity;
            // The record keeps the channel's share as its target: a share held back until another
            // channel's decrease lands shows as Shown < Target, which lets the next push through.
            var record = new PushRecord(command.Sku, command.Channel, shown, share, status, stock.Version, now, status == PushStatus.Written ? now : last?.WrittenAt);
            if (!await pushes.TryRecordAsync(record, last?.ETag ?? default, cancellationToken))
            {
                if (attempt >= MaxAttempts)
                {
                    throw new InvalidOperationException($"Pushes of {command.Sku} to {command.Channel} keep racing; the queue will retry.");
                }

                // Another push of this listing ran alongside and one of the two writes may have landed
                // last with an older ledger state: look at the channel again.
                (last, stock) = await ReloadAsync(command, mapping, cancellationToken);
                continue;
            }

            logger.LogInformation(
                "Push {Sku} to {Channel}: {Status} (channel showed {Current}, ledger wants {Target})",
                command.Sku, command.Channel, status, current.Quantity, target);
            if (isProtected)
            {
                await ReleaseHeldSharesAsync(command, mapping, record, current.Quantity, stock.Available, rules, threshold, cancellationToken);
            }

            return;
        }
    }

    /// <summary>In the protected zone a channel's rise waits for the other channels' decreases. Whoever
    /// records second sees the other's record: a channel that just gave units back wakes the channels
    /// waiting for them, and a channel left waiting checks whether the units came free meanwhile.</summary>
    private async Task ReleaseHeldSharesAsync(
        SyncListing command, SkuMapping mapping, PushRecord record, int before, int available, IReadOnlyList<ChannelRule<Channel>> rules, int threshold, CancellationToken cancellationToken)
    {
        if (record.Status == PushStatus.Written && record.Shown < before)
        {
            foreach (var channel in mapping.Channels.Where(c => c != command.Channel))
            {
                if (await pushes.GetAsync(command.Sku, channel, cancellationToken) is { } other && IsHeld(other))
                {
                    await EnqueueAsync(new SyncListing(command.Sku, channel), cancellationToken);
                }
            }
        }

        if (IsHeld(record))
        {
            var elsewhere = await OthersShownAsync(mapping, command.Channel, cancellationToken);
            if (ChannelAllocation.TargetFor(command.Channel, available, rules, threshold, c => elsewhere.GetValueOrDefault(c)) > record.Shown)
            {
                await EnqueueAsync(command, cancellationToken);
            }
        }
    }

    private async Task<Dictionary<Channel, int?>> OthersShownAsync(SkuMapping mapping, Channel self, CancellationToken cancellationToken)
    {
        var shown = new Dictionary<Channel, int?>();
        foreach (var channel in mapping.Channels.Where(c => c != self))
        {
            shown[channel] = (await pushes.GetAsync(mapping.Sku, channel, cancellationToken))?.Shown;
        }

        return shown;
    }

    private Task EnqueueAsync(SyncListing command, CancellationToken cancellationToken) =>
        queues.SendAsync(names.ChannelPushQueue, JsonSerializer.Serialize(command, FuncSyncJson.Default.SyncListing), cancellationToken);

    /// <summary>Showing less than its share because other channels still showed the units: not done.
    /// A deferred increase is different: it waits for a sale's own event, never for another push.</summary>
    internal static bool IsHeld(PushRecord record) => record.Status != PushStatus.Deferred && record.Shown < record.Target;

    private static int IndexOf(IReadOnlyList<ChannelRule<Channel>> rules, Channel channel)
    {
        for (var i = 0; i < rules.Count; i++)
        {
            if (rules[i].Channel == channel)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"{channel} has no allocation rule.");
    }

    private async Task<(PushRecord? Last, SkuAvailability Stock)> ReloadAsync(SyncListing command, SkuMapping mapping, CancellationToken cancellationToken) =>
        (await pushes.GetAsync(command.Sku, command.Channel, cancellationToken), await ledger.GetAvailabilityAsync(mapping, cancellationToken));

    /// <summary>Decreases go out at once. An increase goes out only while the channel still shows what
    /// FuncSync last saw there: if it moved, a buyer probably bought a unit that has not reached the
    /// ledger yet, and raising the count could sell it twice. The sale's own event re-triggers the push.</summary>
    internal static PushStatus Decide(int current, int target, PushRecord? last, int? ownWrite = null)
    {
        if (current == target)
        {
            return PushStatus.InSync;
        }

        if (target > current && last is not null && last.Shown != current && ownWrite != current)
        {
            return PushStatus.Deferred;
        }

        return PushStatus.Written;
    }
}

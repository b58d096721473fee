using System.Text.Json;
using FuncSync.Catalog;
using FuncSync.Domain.Allocation;
using FuncSync.Hosting.Functions;
using FuncSync.Json;
using FuncSync.Ledger;

namespace FuncSync.Push;

/// <summary>Queue function on <c>channel-push</c>: reads the ledger now, works out what the channel
/// should show, and writes it only if the channel shows something else.</summary>
public sealed class PushChannelFunction(
    SkuMapStore map,
    LedgerStore ledger,
    PushStore pushes,
    IEnumerable<IChannelInventory> connectors,
    TimeProvider time,
    ILogger<PushChannelFunction> logger) : IQueueFunction
{
    public const string Name = "PushChannel";

    // A compare-and-set refused twice in a row means a busy listing; the queue retries later.
    private const int MaxAttempts = 3;

    public async Task RunAsync(QueueTriggerMessage message, CancellationToken cancellationToken)
    {
        var command = JsonSerializer.Deserialize(message.Body, FuncSyncJson.Default.SyncListing)
            ?? throw new InvalidDataException("The push message is empty.");
        var mapping = await map.GetAsync(command.Sku, cancellationToken);
        if (mapping is null || !mapping.Channels.Contains(command.Channel))
        {
            logger.LogWarning("{Sku} is no longer mapped on {Channel}; push skipped", command.Sku, command.Channel);
            return;
        }

        var connector = connectors.Single(c => c.Channel == command.Channel);
        var last = await pushes.GetAsync(command.Sku, command.Channel, cancellationToken);
        var stock = await ledger.GetAvailabilityAsync(mapping, cancellationToken);
        if (last is not null && last.LedgerVersion >= stock.Version)
        {
            // An earlier push already brought this channel to this ledger state or a newer one: a burst
            // of sales costs the channel one write, not one per sale.
            logger.LogDebug("{Sku} on {Channel} already reflects ledger version {Version}", command.Sku, command.Channel, stock.Version);
            return;
        }

        for (var attempt = 1; ; attempt++)
        {
            var target = ChannelAllocation.QuantityToShow(stock.Available);
            var current = await connector.ReadAsync(mapping, cancellationToken);
            var status = Decide(current.Quantity, target, last);
            if (status == PushStatus.Written)
            {
                try
                {
                    await connector.WriteAsync(mapping, current, target, cancellationToken);
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
            var record = new PushRecord(command.Sku, command.Channel, shown, target, status, stock.Version, now, status == PushStatus.Written ? now : last?.WrittenAt);
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
            return;
        }
    }

    private async Task<(PushRecord? Last, SkuAvailability Stock)> ReloadAsync(SyncListing command, SkuMapping mapping, CancellationToken cancellationToken) =>
        (await pushes.GetAsync(command.Sku, command.Channel, cancellationToken), await ledger.GetAvailabilityAsync(mapping, cancellationToken));

    /// <summary>Decreases go out at once. An increase goes out only while the channel still shows what
    /// FuncSync last saw there: if it moved, a buyer probably bought a unit that has not reached the
    /// ledger yet, and raising the count could sell it twice. The sale's own event re-triggers the push.</summary>
    internal static PushStatus Decide(int current, int target, PushRecord? last)
    {
        if (current == target)
        {
            return PushStatus.InSync;
        }

        if (target > current && last is not null && last.Shown != current)
        {
            return PushStatus.Deferred;
        }

        return PushStatus.Written;
    }
}

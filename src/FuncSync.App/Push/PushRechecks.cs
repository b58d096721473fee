using System.Text.Json;
using FuncSync.Catalog;
using FuncSync.Hosting.Storage;
using FuncSync.Json;
using FuncSync.Storage;

namespace FuncSync.Push;

/// <summary>Pushes that look at a listing again later although the ledger has not moved: the threshold
/// in force changed with time (a derived one faded, a launch started or ended). Delayed queue messages,
/// so nothing polls.</summary>
public sealed class PushRechecks(StorageClients storage, StorageNames names)
{
    /// <summary>A delayed queue message waits at most 7 days.</summary>
    private static readonly TimeSpan MaxDelay = TimeSpan.FromDays(7);

    public async Task SendAsync(SyncListing command, TimeSpan delay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var visibility = delay <= TimeSpan.Zero ? (TimeSpan?)null : delay > MaxDelay ? MaxDelay : delay;
        await storage.Queue(names.ChannelPushQueue).SendMessageAsync(
            JsonSerializer.Serialize(command with { Recheck = true }, FuncSyncJson.Default.SyncListing), visibilityTimeout: visibility, cancellationToken: cancellationToken);
    }

    /// <summary>The same push again after <paramref name="delay"/>, e.g. because the channel asked us to come back later.</summary>
    public async Task SendLaterAsync(SyncListing command, TimeSpan delay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var visibility = delay <= TimeSpan.Zero ? (TimeSpan?)null : delay > MaxDelay ? MaxDelay : delay;
        await storage.Queue(names.ChannelPushQueue).SendMessageAsync(
            JsonSerializer.Serialize(command, FuncSyncJson.Default.SyncListing), visibilityTimeout: visibility, cancellationToken: cancellationToken);
    }

    /// <summary>A re-check of every listing of <paramref name="mappings"/> after <paramref name="delay"/>.</summary>
    public async Task SendAsync(IEnumerable<SkuMapping> mappings, TimeSpan delay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mappings);
        foreach (var mapping in mappings)
        {
            foreach (var channel in mapping.Channels)
            {
                await SendAsync(new SyncListing(mapping.Sku, channel), delay, cancellationToken);
            }
        }
    }
}

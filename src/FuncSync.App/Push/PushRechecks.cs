using FuncSync.Catalog;

namespace FuncSync.Push;

/// <summary>Pushes that look at a listing again later although the ledger has not moved: the threshold
/// in force changed with time (a derived one faded, a launch started or ended). Delayed queue messages,
/// so nothing polls.</summary>
public sealed class PushRechecks(ChannelPushSender pushes)
{
    public Task SendAsync(SyncListing command, TimeSpan delay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        return pushes.SendAsync(command with { Recheck = true }, delay, cancellationToken);
    }

    /// <summary>The same push again after <paramref name="delay"/>, e.g. because the channel asked us to come back later.</summary>
    public Task SendLaterAsync(SyncListing command, TimeSpan delay, CancellationToken cancellationToken) =>
        pushes.SendAsync(command, delay, cancellationToken);

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

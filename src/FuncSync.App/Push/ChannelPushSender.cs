using System.Text.Json;
using FuncSync.Hosting.Functions;
using FuncSync.Hosting.Storage;
using FuncSync.Json;
using FuncSync.Storage;

namespace FuncSync.Push;

/// <summary>The one way onto the <c>channel-push</c> queue: the outbox, reconciliation, the push's own
/// retries and the delayed re-checks all send a <see cref="SyncListing"/> through here.</summary>
public sealed class ChannelPushSender(IQueueSender queues, StorageClients storage, StorageNames names)
{
    /// <summary>A delayed queue message waits at most 7 days.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromDays(7);

    /// <summary>Now: through the host's sender, which also wakes this instance's listener.</summary>
    public Task SendAsync(SyncListing command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        return queues.SendAsync(names.ChannelPushQueue, Serialize(command), cancellationToken);
    }

    /// <summary>After <paramref name="delay"/> (capped at <see cref="MaxDelay"/>; zero or less: now), as an
    /// invisible queue message, so nothing polls meanwhile.</summary>
    public async Task SendAsync(SyncListing command, TimeSpan delay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (delay <= TimeSpan.Zero)
        {
            await SendAsync(command, cancellationToken);
            return;
        }

        await storage.Queue(names.ChannelPushQueue).SendMessageAsync(
            Serialize(command), visibilityTimeout: delay > MaxDelay ? MaxDelay : delay, cancellationToken: cancellationToken);
    }

    private static string Serialize(SyncListing command) => JsonSerializer.Serialize(command, FuncSyncJson.Default.SyncListing);
}

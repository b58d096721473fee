using System.Text.Json;
using FuncSync.Json;
using FuncSync.Storage;
using Microsoft.Azure.Functions.Worker;

namespace FuncSync.Push;

/// <summary>Queue function on <c>channel-push</c>: the pushes that did not run at once after their ledger commit
/// (retries of a failed one, delayed re-checks, a listing that was busy, the pushes of a bulk change), each run by
/// <see cref="ListingPusher"/>. A failure throws, so the queue retries it and, after the last try, poisons it.</summary>
public sealed class PushChannelFunction(ListingPusher pusher)
{
    public const string Name = "PushChannel";

    [Function(Name)]
    public async Task RunAsync([QueueTrigger(StorageNames.ChannelPush, Connection = StorageNames.Connection)] string message, CancellationToken cancellationToken)
    {
        var command = JsonSerializer.Deserialize(message, FuncSyncJson.Default.SyncListing)
            ?? throw new InvalidDataException("The push message is empty.");
        await pusher.RunAsync(command, known: null, cancellationToken);
    }
}

using FuncSync.Hosting.Storage;
using FuncSync.Storage;

namespace FuncSync.Shopify;

/// <summary>Sends level checks to the Shopify connector's queue, visible only after a settling delay.</summary>
public sealed class ShopifyQueues(StorageClients storage, StorageNames names)
{
    /// <summary>Queues a level check that becomes visible after <paramref name="delay"/>.</summary>
    public Task SendLevelCheckAsync(string message, TimeSpan delay, CancellationToken cancellationToken) =>
        storage.Queue(names.ShopifyLevelChecksQueue).SendMessageAsync(message, visibilityTimeout: delay, cancellationToken: cancellationToken);
}

using System.Collections.Concurrent;
using System.Diagnostics;
using FuncSync.Hosting.Functions;
using FuncSync.Hosting.Storage;

namespace FuncSync.Hosting.Queues;

internal sealed class QueueSender(StorageClients clients, QueueWatcher watcher) : IQueueSender
{
    private readonly ConcurrentDictionary<string, Lazy<Task>> _created = new(StringComparer.Ordinal);

    public async Task SendAsync(string queueName, string message, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(queueName);
        ArgumentNullException.ThrowIfNull(message);

        var queue = clients.Queue(queueName);
        await EnsureCreatedAsync(queueName, cancellationToken);
        await queue.SendMessageAsync(QueueTrace.Inject(message, Activity.Current), cancellationToken);
        watcher.Notify(queueName);
    }

    private async Task EnsureCreatedAsync(string queueName, CancellationToken cancellationToken)
    {
        // The CreateIfNotExists call is made once per name; a failed attempt is forgotten so the next send retries.
        var creation = _created.GetOrAdd(queueName, name => new Lazy<Task>(() => clients.Queue(name).CreateIfNotExistsAsync(cancellationToken: CancellationToken.None)));
        try
        {
            await creation.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (creation.Value.IsFaulted)
        {
            _created.TryRemove(new KeyValuePair<string, Lazy<Task>>(queueName, creation));
            throw;
        }
    }
}

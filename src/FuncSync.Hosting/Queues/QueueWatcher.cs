using System.Collections.Concurrent;

namespace FuncSync.Hosting.Queues;

/// <summary>Lets a send on this instance wake the local listener for that queue, so a hop between two
/// functions costs no polling delay (the WebJobs SDK's SharedQueueWatcher does the same).</summary>
internal sealed class QueueWatcher
{
    private readonly ConcurrentDictionary<string, Signal> _signals = new(StringComparer.Ordinal);

    public void Notify(string queueName) => _signals.GetOrAdd(queueName, static _ => new Signal()).Set();

    /// <summary>Waits for <paramref name="delay"/> or a notification for the queue, whichever comes first.
    /// A notification that arrived since the last wait ends the wait at once.</summary>
    /// <returns>True when a notification ended the wait.</returns>
    public Task<bool> WaitAsync(string queueName, TimeSpan delay, TimeProvider timeProvider, CancellationToken cancellationToken) =>
        _signals.GetOrAdd(queueName, static _ => new Signal()).WaitAsync(delay, timeProvider, cancellationToken);

    private sealed class Signal
    {
        private readonly Lock _lock = new();
        private TaskCompletionSource _notified = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Set()
        {
            lock (_lock)
            {
                _notified.TrySetResult();
            }
        }

        public async Task<bool> WaitAsync(TimeSpan delay, TimeProvider timeProvider, CancellationToken cancellationToken)
        {
            Task notified;
            lock (_lock)
            {
                if (_notified.Task.IsCompleted)
                {
                    _notified = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    return true;
                }

                notified = _notified.Task;
            }

            using var delayCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delayed = Task.Delay(delay, timeProvider, delayCancellation.Token);
            var first = await Task.WhenAny(notified, delayed);
            await delayCancellation.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
            if (first != notified)
            {
                return false;
            }

            lock (_lock)
            {
                if (_notified.Task == notified)
                {
                    _notified = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }

            return true;
        }
    }
}

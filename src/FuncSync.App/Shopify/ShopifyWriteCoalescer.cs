namespace FuncSync.Shopify;

/// <summary>Gathers the quantity writes that wait at the same time into one call. The first write goes out at once;
/// writes that arrive while a call is on the wire (or waiting for cost budget) form the next call, up to 250
/// quantities and one per level (Shopify refuses a call naming a level twice). Nothing waits for a timer, so a lone
/// push is as fast as before, and under load many pushes share one 10-point mutation.</summary>
public sealed class ShopifyWriteCoalescer
{
    private readonly Lock _gate = new();
    private readonly List<Pending> _queue = [];
    private bool _flushing;

    public async Task<ShopifyWriteOutcome> WriteAsync(
        ShopifyQuantityWrite write,
        Func<IReadOnlyList<ShopifyQuantityWrite>, CancellationToken, Task<IReadOnlyList<ShopifyWriteOutcome>>> send,
        CancellationToken cancellationToken)
    {
        var pending = new Pending(write);
        bool leads;
        lock (_gate)
        {
            _queue.Add(pending);
            leads = !_flushing;
            _flushing = true;
        }

        if (leads)
        {
            // The caller that found no call in progress sends until the queue is empty, its own write first.
            await FlushAsync(send, cancellationToken);
        }

        return await pending.Completion.Task.WaitAsync(cancellationToken);
    }

    private async Task FlushAsync(Func<IReadOnlyList<ShopifyQuantityWrite>, CancellationToken, Task<IReadOnlyList<ShopifyWriteOutcome>>> send, CancellationToken cancellationToken)
    {
        while (true)
        {
            List<Pending> batch;
            lock (_gate)
            {
                batch = TakeBatch();
                if (batch.Count == 0)
                {
                    _flushing = false;
                    return;
                }
            }

            try
            {
                var outcomes = await send([.. batch.Select(p => p.Write)], cancellationToken);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Completion.TrySetResult(outcomes[i]);
                }
            }
            catch (Exception ex)
            {
                // The call failed as a whole (network, throttled too often, cancelled): every write in it failed
                // and each push's queue message retries on its own.
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(ex);
                }
            }
        }
    }

    // Caller holds _gate.
    private List<Pending> TakeBatch()
    {
        var batch = new List<Pending>();
        var levels = new HashSet<(long, long)>();
        for (var i = 0; i < _queue.Count && batch.Count < ShopifyInventory.MaxQuantitiesPerCall;)
        {
            var pending = _queue[i];
            if (levels.Add((pending.Write.InventoryItemId, pending.Write.LocationId)))
            {
                batch.Add(pending);
                _queue.RemoveAt(i);
            }
            else
            {
                i++;
            }
        }

        return batch;
    }

    private sealed class Pending(ShopifyQuantityWrite write)
    {
        public ShopifyQuantityWrite Write { get; } = write;

        public TaskCompletionSource<ShopifyWriteOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

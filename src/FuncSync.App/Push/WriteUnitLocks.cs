using Azure;
using Azure.Storage.Blobs.Specialized;
using FuncSync.Hosting.Storage;
using FuncSync.Storage;
using Microsoft.Extensions.Caching.Memory;

namespace FuncSync.Push;

/// <summary>One push at a time per channel write unit, across instances: a blob lease per unit. A push holds it from
/// its read of the channel until its record, so a write that replaces several SKUs (Etsy's whole-inventory PUT)
/// always starts from what the previous push wrote and verified. Within one process, pushes of a unit also wait for
/// each other in memory, lease or not (<see cref="EnterAsync"/>).</summary>
public sealed class WriteUnitLocks(StorageClients storage, StorageNames names, TimeProvider time) : IDisposable
{
    // The shortest lease Blob Storage grants, renewed while the push runs: a holder that dies (a crash, a kill)
    // frees the unit within this, whatever the push's length.
    private static readonly TimeSpan LeasePeriod = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(5);

    // Past this the queue's retry is the better wait.
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(45);

    private static readonly TimeSpan MaxStep = TimeSpan.FromMilliseconds(400);

    // Units a read showed to carry more than one SKU, so their pushes hold the lease from the start instead of finding
    // out from a read first (an extra channel read). Bounded: a forgotten unit costs its next push that read once.
    private readonly MemoryCache _shared = new(new MemoryCacheOptions { SizeLimit = 50_000, CompactionPercentage = 0.2 });

    // Pushes of one unit in this process wait for each other here first, whether or not they take the blob lease: a burst
    // of sales of one listing then collapses into one write (each later push finds the earlier one's record covers it)
    // instead of every push reading the channel and racing the others to announce. Striped, so nothing needs removing; two
    // units sharing a stripe only wait for each other.
    private readonly SemaphoreSlim[] _local = [.. Enumerable.Range(0, 256).Select(_ => new SemaphoreSlim(1, 1))];

    private int _containerReady;

    /// <summary>Waits until no other push of the unit in this process is running.</summary>
    /// <returns>The place, to give back when the push ends, and whether another push held it first (what was read before
    /// then is stale).</returns>
    public async Task<(IDisposable Place, bool Waited)> EnterAsync(string unit, CancellationToken cancellationToken)
    {
        var gate = _local[(uint)StringComparer.Ordinal.GetHashCode(unit) % (uint)_local.Length];
        var waited = !gate.Wait(0, CancellationToken.None);
        if (waited)
        {
            await gate.WaitAsync(cancellationToken);
        }

        return (new Place(gate), waited);
    }

    /// <summary>Whether a read showed, last time, that a write of this unit carries more than one SKU.</summary>
    public bool IsKnownShared(string unit) => _shared.TryGetValue(unit, out _);

    /// <summary>Remembers what a read showed of the unit.</summary>
    /// <returns><paramref name="shared"/>.</returns>
    public bool Learn(string unit, bool shared)
    {
        if (shared)
        {
            _shared.Set(unit, true, new MemoryCacheEntryOptions { Size = 1 });
        }
        else
        {
            _shared.Remove(unit);
        }

        return shared;
    }

    public void Dispose()
    {
        _shared.Dispose();
        foreach (var gate in _local)
        {
            gate.Dispose();
        }
    }

    public async Task<IAsyncDisposable> AcquireAsync(string unit, CancellationToken cancellationToken)
    {
        var container = storage.Blobs.GetBlobContainerClient(names.PushLocksContainer);
        if (Volatile.Read(ref _containerReady) == 0)
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            Volatile.Write(ref _containerReady, 1);
        }

        var blob = container.GetBlobClient(unit);
        var lease = blob.GetBlobLeaseClient();
        var started = time.GetTimestamp();
        var step = TimeSpan.FromMilliseconds(10);
        while (true)
        {
            try
            {
                await lease.AcquireAsync(LeasePeriod, cancellationToken: cancellationToken);
                return new Held(lease, time);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                await CreateAsync(blob, cancellationToken);
                continue;
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                // Another push of this unit holds it.
            }

            if (time.GetElapsedTime(started) > MaxWait)
            {
                throw new InvalidOperationException($"Another push still holds write unit {unit}; the queue will retry.");
            }

            await Task.Delay(step, time, cancellationToken);
            step = step * 2 < MaxStep ? step * 2 : MaxStep;
        }
    }

    private static async Task CreateAsync(Azure.Storage.Blobs.BlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            await blob.UploadAsync(BinaryData.Empty, overwrite: false, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // Created by another push first (412 when it already holds the lease).
        }
    }

    private sealed class Place(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }

    private sealed class Held : IAsyncDisposable
    {
        private readonly BlobLeaseClient _lease;
        private readonly CancellationTokenSource _done = new();
        private readonly Task _renewing;

        public Held(BlobLeaseClient lease, TimeProvider time)
        {
            _lease = lease;
            _renewing = RenewAsync(time);
        }

        public async ValueTask DisposeAsync()
        {
            await _done.CancelAsync();
            await _renewing;
            _done.Dispose();
            try
            {
                await _lease.ReleaseAsync(cancellationToken: CancellationToken.None);
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // The lease ran out and someone else holds it now: nothing of ours to release.
            }
        }

        private async Task RenewAsync(TimeProvider time)
        {
            try
            {
                while (true)
                {
                    await Task.Delay(RenewEvery, time, _done.Token);
                    await _lease.RenewAsync(cancellationToken: _done.Token);
                }
            }
            catch (OperationCanceledException) when (_done.IsCancellationRequested)
            {
                // The push is done.
            }
            catch (RequestFailedException)
            {
                // Lost to expiry: the push's read-back still guards what it records.
            }
        }
    }
}

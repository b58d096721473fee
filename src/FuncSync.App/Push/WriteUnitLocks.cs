using Azure;
using Azure.Storage.Blobs.Specialized;
using FuncSync.Hosting.Storage;
using FuncSync.Storage;
using Microsoft.Extensions.Caching.Memory;

namespace FuncSync.Push;

/// <summary>One push at a time per channel write unit, across instances: a blob lease per unit. A push holds it from
/// its read of the channel until its record, so a write that replaces several SKUs (Etsy's whole-inventory PUT)
/// always starts from what the previous push wrote and verified.</summary>
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

    private int _containerReady;

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

    public void Dispose() => _shared.Dispose();

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

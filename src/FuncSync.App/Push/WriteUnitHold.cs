namespace FuncSync.Push;

/// <summary>A push's hold on its write unit, taken at the start or once a read shows the write carries other SKUs, and
/// given back when the push ends.</summary>
internal sealed class WriteUnitHold(WriteUnitLocks locks, string? unit) : IAsyncDisposable
{
    private IAsyncDisposable? _lease;

    public bool Held => _lease is not null;

    public async Task AcquireAsync(CancellationToken cancellationToken)
    {
        if (unit is not null && _lease is null)
        {
            _lease = await locks.AcquireAsync(unit, cancellationToken);
        }
    }

    public ValueTask DisposeAsync() => _lease?.DisposeAsync() ?? ValueTask.CompletedTask;
}

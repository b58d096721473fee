namespace FuncSync.Push;

/// <summary>A push's hold on its write unit: its place among this process's pushes of the unit, taken at the start, and
/// the unit's lease, taken at the start or once a read shows the write carries other SKUs; both given back when the push
/// ends.</summary>
internal sealed class WriteUnitHold : IAsyncDisposable
{
    private readonly WriteUnitLocks _locks;
    private readonly string? _unit;
    private readonly IDisposable? _place;
    private IAsyncDisposable? _lease;

    private WriteUnitHold(WriteUnitLocks locks, string? unit, IDisposable? place, bool waited)
    {
        _locks = locks;
        _unit = unit;
        _place = place;
        Waited = waited;
    }

    /// <summary>Another push of the unit in this process ran first: what the caller read before is stale.</summary>
    public bool Waited { get; }

    /// <summary>Whether it holds the unit's lease.</summary>
    public bool Held => _lease is not null;

    /// <summary>Takes the push's place among this process's pushes of <paramref name="unit"/>; nothing for no unit.</summary>
    public static async Task<WriteUnitHold> EnterAsync(WriteUnitLocks locks, string? unit, CancellationToken cancellationToken)
    {
        if (unit is null)
        {
            return new WriteUnitHold(locks, null, null, waited: false);
        }

        var (place, waited) = await locks.EnterAsync(unit, cancellationToken);
        return new WriteUnitHold(locks, unit, place, waited);
    }

    public async Task AcquireAsync(CancellationToken cancellationToken)
    {
        if (_unit is not null && _lease is null)
        {
            _lease = await _locks.AcquireAsync(_unit, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_lease is not null)
            {
                await _lease.DisposeAsync();
            }
        }
        finally
        {
            _place?.Dispose();
        }
    }
}

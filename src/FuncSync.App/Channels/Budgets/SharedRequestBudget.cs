using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;

using FuncSync.Domain;

namespace FuncSync.Channels.Budgets;

/// <summary>
/// A channel's per-second quota belongs to the app registered with the channel (Etsy's keystring, eBay's or Square's
/// application id), not to a FuncSync instance: several instances (a scaled-out Functions app, container replicas)
/// share it. One row of the shared budget table per channel and app hands out each wall-clock second's
/// requests: an instance takes a slice of the current second with an ETag-guarded update and spends it in that
/// second only, so however many instances run, no second sees more than the shared limit. A slice is not handed
/// out near the end of a second, so a request claimed in second S does not land in S + 1 on top of its share.
/// The in-process token bucket (<see cref="RequestBudget"/>) stays in front as the local gate.
/// </summary>
public sealed class SharedRequestBudget : IDisposable
{
    private const string Row = "qps";

    // A row further ahead than this is a clock gone wrong; waiting for it would starve this instance.
    private const int MaxClockSkewSeconds = 2;
    private static readonly TimeSpan ClaimCutoff = TimeSpan.FromMilliseconds(850);

    private readonly TableClient _table;
    private readonly string _partition;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private TableEntity? _row;
    private long _heldSecond = -1;
    private int _held;

    /// <param name="appKey">The channel app's key (Etsy's keystring): instances of one app share one row, whatever shop
    /// they sync. Only its hash is stored.</param>
    /// <param name="perSecond">Requests the app may send in one wall-clock second, across every instance.</param>
    public SharedRequestBudget(Channel channel, TableClient table, string appKey, int perSecond, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSecond);
        _table = table;
        _time = time;
        PerSecond = perSecond;

        // A slice per claim: small enough that an idle instance strands little, large enough that a busy one does
        // not pay a storage round trip per request at high limits.
        SliceSize = Math.Max(1, perSecond / 20);
        _partition = Partition(channel, appKey);
    }

    /// <summary>The partition of a channel app's budget rows (its per-second row, its daily quota row): only a hash of
    /// the app's key is stored.</summary>
    internal static string Partition(Channel channel, string appKey) =>
        channel.ToString().ToLowerInvariant() + "-app-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(appKey)))[..16];

    public int PerSecond { get; }

    public int SliceSize { get; }

    /// <summary>Waits until this instance holds one request of the current second, then spends it.</summary>
    public async Task AcquireAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            while (true)
            {
                var now = _time.GetUtcNow();
                var second = now.ToUnixTimeSeconds();
                var nextSecond = DateTimeOffset.FromUnixTimeSeconds(second + 1);
                if (_heldSecond == second && _held > 0)
                {
                    _held--;
                    return;
                }

                if (nextSecond - now > TimeSpan.FromSeconds(1) - ClaimCutoff && await ClaimAsync(second, cancellationToken) is var granted and > 0)
                {
                    _heldSecond = second;
                    _held = granted - 1;
                    return;
                }

                // This second is spent (or nearly over): wait for the next one, measured after the claim, which may
                // itself have taken part of the second.
                var wait = nextSecond - _time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _time, cancellationToken);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>Takes up to a slice of <paramref name="second"/> from the shared row; 0 when the second is used up.</summary>
    private async Task<int> ClaimAsync(long second, CancellationToken cancellationToken)
    {
        while (true)
        {
            _row ??= await ReadAsync(cancellationToken);
            var rowSecond = _row.GetInt64("Second") ?? 0;
            var used = rowSecond == second ? _row.GetInt32("Used") ?? 0 : 0;
            if ((rowSecond > second && rowSecond <= second + MaxClockSkewSeconds) || used >= PerSecond)
            {
                // The second is spent, or another instance's clock is slightly ahead and its second is still running.
                return 0;
            }

            var take = Math.Min(SliceSize, PerSecond - used);
            var update = new TableEntity(_partition, Row) { ["Second"] = second, ["Used"] = used + take };
            try
            {
                var response = _row.ETag == default
                    ? await _table.AddEntityAsync(update, cancellationToken)
                    : await _table.UpdateEntityAsync(update, _row.ETag, TableUpdateMode.Replace, cancellationToken);
                update.ETag = response.Headers.ETag ?? default;
                _row = update;
                return take;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 or 404)
            {
                // Another instance claimed first: re-read and decide on its numbers.
                _row = null;
            }
        }
    }

    private async Task<TableEntity> ReadAsync(CancellationToken cancellationToken)
    {
        var existing = await _table.GetEntityIfExistsAsync<TableEntity>(_partition, Row, cancellationToken: cancellationToken);
        return existing.HasValue ? existing.Value! : new TableEntity(_partition, Row);
    }
}

/// <summary>Spends one request of the shared per-second budget on every attempt that goes to the channel, retries
/// included: it sits inside the retry pipeline, next to the socket.</summary>
public sealed class SharedRequestBudgetHandler(SharedRequestBudget budget) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await budget.AcquireAsync(cancellationToken);
        return await base.SendAsync(request, cancellationToken);
    }
}

using System.Globalization;
using Azure;
using Azure.Data.Tables;
using FuncSync.Domain;

namespace FuncSync.Channels.Budgets;

/// <summary>A channel app's daily call quota (eBay's 5,000 calls a day), counted across every instance in the shared
/// budget table, beside the app's per-second row. One row per app holds the channel's day and the calls handed out in
/// it; an instance takes a block of calls with an ETag-guarded update and spends it locally, so the table sees one
/// write per block, not per call, and the blocks handed out never add up to more than the limit: the sum of calls made
/// by all instances stays within it. A block left unspent when the day turns is lost, which errs on the safe side. The
/// channel saying the quota is spent (eBay's error 2001) marks the row, and every instance stops until the day turns.
/// </summary>
public sealed class SharedDailyQuota : IDisposable
{
    private const string Row = "day";

    private readonly TableClient _table;
    private readonly string _partition;
    private readonly Func<DateTimeOffset, DateOnly> _dayOf;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private TableEntity? _row;
    private DateOnly _day;
    private int _held;
    private int _handedOut;
    private bool _exhausted;
    private DateTimeOffset? _seenAt;

    /// <param name="appKey">The channel app's key: instances of one app share the row. Only its hash is stored.</param>
    /// <param name="perDay">Calls the app may make in one of the channel's days, across every instance.</param>
    /// <param name="dayOf">The channel's day of an instant (eBay's starts at midnight Pacific time).</param>
    public SharedDailyQuota(Channel channel, TableClient table, string appKey, int perDay, Func<DateTimeOffset, DateOnly> dayOf, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perDay);
        _table = table;
        _dayOf = dayOf;
        _time = time;
        PerDay = perDay;
        BlockSize = Math.Max(1, perDay / 100);
        _partition = SharedRequestBudget.Partition(channel, appKey);
    }

    public int PerDay { get; }

    /// <summary>Calls an instance takes at once: a hundredth of the day, so a day costs about a hundred storage writes
    /// and an idle instance strands little.</summary>
    public int BlockSize { get; }

    /// <summary>Takes one call of today's quota; false when the day's calls are all handed out or the channel said the
    /// quota is spent.</summary>
    public async Task<bool> TryTakeAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            Roll();
            if (_held == 0 && !_exhausted)
            {
                _held = await UpdateAsync(exhaust: false, cancellationToken);
            }

            if (_held == 0)
            {
                return false;
            }

            _held--;
            _seenAt = _time.GetUtcNow();
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The channel answered that today's quota is spent, whatever the count says: no instance calls again today.</summary>
    public async Task ExhaustedAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            Roll();
            _held = 0;
            await UpdateAsync(exhaust: true, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Today's use as the shared row says now.</summary>
    public async Task<DailyQuotaUse> ReadAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            Roll();
            _row = await ReadRowAsync(cancellationToken);
            Adopt(_row);
            return Use();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Today's use as this instance last saw the shared row (for the synchronous health check).</summary>
    public DailyQuotaUse LastSeen() =>
        // Read without the gate: a health check may see a figure a call old. A day that has turned since shows nothing used.
        _dayOf(_time.GetUtcNow()) == _day ? Use() : new DailyQuotaUse(PerDay, 0, PerDay, false, null);

    public void Dispose() => _gate.Dispose();

    /// <summary>Calls made or held by some instance: what was handed out, less this instance's unspent block (other
    /// instances' unspent blocks are not known here, so the figure errs high by at most a block each).</summary>
    private DailyQuotaUse Use()
    {
        var used = Math.Max(0, _handedOut - _held);
        return new DailyQuotaUse(PerDay, used, _exhausted ? 0 : PerDay - used, _exhausted, _seenAt);
    }

    private void Roll()
    {
        var today = _dayOf(_time.GetUtcNow());
        if (today != _day)
        {
            (_day, _held, _handedOut, _exhausted) = (today, 0, 0, false);
        }
    }

    /// <summary>Takes a block of today's calls (answers how many), or marks today spent (answers 0).</summary>
    private async Task<int> UpdateAsync(bool exhaust, CancellationToken cancellationToken)
    {
        while (true)
        {
            _row ??= await ReadRowAsync(cancellationToken);
            Adopt(_row);
            var take = exhaust || _exhausted ? 0 : Math.Min(BlockSize, PerDay - _handedOut);
            if (take == 0 && (!exhaust || _exhausted))
            {
                return 0;
            }

            var update = new TableEntity(_partition, Row)
            {
                ["Day"] = DayKey(_day),
                ["HandedOut"] = _handedOut + take,
                ["Exhausted"] = exhaust,
            };
            try
            {
                var response = _row.ETag == default
                    ? await _table.AddEntityAsync(update, cancellationToken)
                    : await _table.UpdateEntityAsync(update, _row.ETag, TableUpdateMode.Replace, cancellationToken);
                update.ETag = response.Headers.ETag ?? default;
                _row = update;
                Adopt(update);
                _seenAt = _time.GetUtcNow();
                return take;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 or 404)
            {
                // Another instance took a block first: re-read and decide on its numbers.
                _row = null;
            }
        }
    }

    /// <summary>The row's figures when they are today's; a row of an earlier day counts as nothing handed out.</summary>
    private void Adopt(TableEntity row)
    {
        var today = row.GetString("Day") == DayKey(_day);
        _handedOut = today ? row.GetInt32("HandedOut") ?? 0 : 0;
        _exhausted = today && (row.GetBoolean("Exhausted") ?? false);
    }

    private async Task<TableEntity> ReadRowAsync(CancellationToken cancellationToken)
    {
        var existing = await _table.GetEntityIfExistsAsync<TableEntity>(_partition, Row, cancellationToken: cancellationToken);
        return existing.HasValue ? existing.Value! : new TableEntity(_partition, Row);
    }

    private static string DayKey(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>A channel's daily quota today.</summary>
/// <param name="Used">Calls handed out to instances today, less this instance's unspent block.</param>
/// <param name="Exhausted">The channel said the quota is spent.</param>
public sealed record DailyQuotaUse(int Limit, int Used, int Remaining, bool Exhausted, DateTimeOffset? SeenAt);

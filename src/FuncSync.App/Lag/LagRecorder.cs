using System.Globalization;
using Azure.Data.Tables;
using FuncSync.Domain;
using FuncSync.Domain.Lag;
using FuncSync.Storage;

namespace FuncSync.Lag;

/// <summary>Keeps lag samples as histograms per channel and time bucket (a minute for the hour window, an hour for the
/// day window): bounded whatever the traffic, mergeable across buckets and instances. Samples gather in memory and are
/// written by <see cref="FlushAsync"/>, one row per bucket and instance, so instances never contend for a row; a window
/// is a key-range read of at most 60 (or 24) rows per instance.</summary>
public sealed class LagRecorder(TableClient table, ShopPartition shop, TimeProvider time) : IDisposable
{
    private const string Minute = "m";
    private const string Hour = "h";

    // Changes remembered for de-duplication: far more than are pushed within one push's duration.
    private const int MaxRecent = 10_000;

    private readonly string _instance = Guid.NewGuid().ToString("N")[..12];
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _flush = new(1, 1);
    private readonly Dictionary<BucketKey, LagHistogram> _buckets = [];
    private readonly HashSet<BucketKey> _dirty = [];
    private readonly HashSet<(string, Channel)> _recent = [];
    private readonly Queue<(string, Channel)> _recentOrder = new();
    private readonly Dictionary<Channel, long> _samplesFrom = [];

    /// <summary>How many samples from <paramref name="source"/> this instance has recorded since it started: a figure
    /// read before the first of them is stale as soon as this moves.</summary>
    public long SamplesFrom(Channel source)
    {
        lock (_gate)
        {
            return _samplesFrom.GetValueOrDefault(source);
        }
    }

    /// <summary>Counts the lag of change <paramref name="eventId"/> from <paramref name="source"/> reaching
    /// <paramref name="target"/> once: two pushes racing to write the same change are one sample.</summary>
    public void Record(Channel source, Channel target, string eventId, TimeSpan lag, DateTimeOffset at)
    {
        lock (_gate)
        {
            if (!_recent.Add((eventId, target)))
            {
                return;
            }

            _recentOrder.Enqueue((eventId, target));
            _samplesFrom[source] = _samplesFrom.GetValueOrDefault(source) + 1;
            if (_recentOrder.Count > MaxRecent)
            {
                _recent.Remove(_recentOrder.Dequeue());
            }

            foreach (var key in new[] { new BucketKey(Minute, source, MinuteBucket(at)), new BucketKey(Hour, source, HourBucket(at)) })
            {
                if (!_buckets.TryGetValue(key, out var histogram))
                {
                    _buckets[key] = histogram = new LagHistogram();
                }

                histogram.Add(lag);
                _dirty.Add(key);
            }
        }
    }

    /// <summary>Writes the buckets that changed since the last flush and forgets buckets no window reaches any more.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _flush.WaitAsync(cancellationToken);
        try
        {
            List<TableEntity> rows;
            lock (_gate)
            {
                rows = [.. _dirty.Select(key => new TableEntity(shop.Key, RowKey(key, _instance)) { ["Histogram"] = _buckets[key].Serialize() })];
                _dirty.Clear();
                var now = time.GetUtcNow();
                var oldMinute = MinuteBucket(now.AddHours(-2));
                var oldHour = HourBucket(now.AddHours(-26));
                foreach (var stale in _buckets.Keys.Where(k => string.CompareOrdinal(k.Bucket, k.Granularity == Minute ? oldMinute : oldHour) < 0).ToList())
                {
                    _buckets.Remove(stale);
                }
            }

            foreach (var chunk in rows.Chunk(100))
            {
                await table.SubmitTransactionAsync(TableBatch.Validate([.. chunk.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r))]), cancellationToken);
            }
        }
        finally
        {
            _flush.Release();
        }
    }

    /// <summary>All instances' samples of <paramref name="channel"/> within the window ending now.</summary>
    public async Task<LagHistogram> WindowAsync(Channel channel, LagWindow window, CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken);
        var now = time.GetUtcNow();
        var granularity = window == LagWindow.LastHour ? Minute : Hour;
        var from = window == LagWindow.LastHour ? MinuteBucket(now.AddMinutes(-59)) : HourBucket(now.AddHours(-23));
        var prefix = TableKeys.Join(granularity, channel.ToString()) + TableKeys.Separator;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {shop.Key} and RowKey ge {prefix + from} and RowKey lt {TableKeys.PrefixEnd(prefix)}");
        var merged = new LagHistogram();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            merged.Merge(LagHistogram.Parse(row.GetString("Histogram")));
        }

        return merged;
    }

    public void Dispose() => _flush.Dispose();

    private static string RowKey(BucketKey key, string instance) => TableKeys.Join(key.Granularity, key.Channel.ToString(), key.Bucket, instance);

    private static string MinuteBucket(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);

    private static string HourBucket(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMddHH", CultureInfo.InvariantCulture);

    private readonly record struct BucketKey(string Granularity, Channel Channel, string Bucket);
}

public enum LagWindow
{
    LastHour,
    LastDay,
}

using System.Globalization;
using FuncSync.Catalog;
using FuncSync.Domain;
using FuncSync.Ledger;
using FuncSync.Push;
using FuncSync.Timeline;

namespace FuncSync.Lag;

/// <summary>Wraps a channel connector so every push leaves its steps in the SKU's timeline and its lag in the
/// histograms, without the push knowing: a write is a push-attempt and then a push-accepted (with the channel's
/// latency and, per change since the previous push, the lag from the sale) or a push-failed with the channel's error;
/// the first read that finds a written value still there is its read-back ("seen"). One instance per push invocation;
/// the push hands it the listing's record before each read (<see cref="IPushRecordObserver"/>), and a caller that does
/// not has it read here.</summary>
public sealed class ObservedChannelInventory(
    IChannelInventory inner,
    PushStore pushes,
    LedgerStore ledger,
    TimelineStore timeline,
    LagRecorder lag,
    PushFailures failures,
    TimeProvider time) : IChannelInventory, IPushRecordObserver
{
    // A first push of a listing has no previous record to bound "the changes since": only this many, this recent.
    private const int MaxChanges = 20;
    private static readonly TimeSpan FirstPushLookback = TimeSpan.FromHours(1);

    private PushRecord? _previous;
    private SkuAvailability? _stock;
    private bool _observed;
    private bool _seenNoted;

    public Channel Channel => inner.Channel;

    public string? WriteUnit(SkuMapping mapping) => inner.WriteUnit(mapping);

    public bool ReadShowsUnit => inner.ReadShowsUnit;

    public bool CarriesOthers(ChannelStock current) => inner.CarriesOthers(current);

    public void Observe(PushRecord? last, SkuAvailability stock)
    {
        _previous = last;
        _stock = stock;
        _observed = true;
    }

    public async Task<ChannelStock> ReadAsync(SkuMapping mapping, CancellationToken cancellationToken)
    {
        var stock = await inner.ReadAsync(mapping, cancellationToken);
        if (!_observed)
        {
            _previous = await pushes.GetAsync(mapping.Sku, Channel, cancellationToken);
            _stock = null;
        }

        _observed = false;
        if (!_seenNoted && _previous is { Status: PushStatus.Written, WrittenAt: { } writtenAt } written && written.CheckedAt == writtenAt && stock.Quantity == written.Shown)
        {
            _seenNoted = true;
            var now = time.GetUtcNow();
            await timeline.AppendAsync(mapping.Sku, new TimelineEntry(
                now, TimelineSteps.Seen, Channel, null,
                string.Create(CultureInfo.InvariantCulture, $"{Channel} still shows {stock.Quantity}, {(now - writtenAt).TotalMilliseconds:F0} ms after the write"),
                "in-sync", null, null, null), cancellationToken);
        }

        return stock;
    }

    public async Task WriteAsync(SkuMapping mapping, ChannelStock current, int quantity, CancellationToken cancellationToken)
    {
        var attempt = failures.Next(mapping.Sku, Channel);
        var startedAt = time.GetUtcNow();
        var started = time.GetTimestamp();
        var attemptEntry = new TimelineEntry(
            startedAt, TimelineSteps.PushAttempt, Channel, null,
            string.Create(CultureInfo.InvariantCulture, $"set {quantity} ({Channel} showed {current.Quantity})"), "writing", null, null, attempt);
        try
        {
            await inner.WriteAsync(mapping, current, quantity, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            failures.Failed(mapping.Sku, Channel);
            var latency = time.GetElapsedTime(started).TotalMilliseconds;
            await timeline.AppendManyAsync(
                [(mapping.Sku, attemptEntry), (mapping.Sku, new TimelineEntry(time.GetUtcNow(), TimelineSteps.PushFailed, Channel, null, $"set {quantity.ToString(CultureInfo.InvariantCulture)} refused", "failed", latency, ex.Message, attempt))],
                cancellationToken);
            throw;
        }

        failures.Succeeded(mapping.Sku, Channel);
        var acceptedAt = time.GetUtcNow();
        var channelLatency = time.GetElapsedTime(started).TotalMilliseconds;
        var changes = await ChangesSinceLastPushAsync(mapping, acceptedAt, cancellationToken);
        foreach (var change in changes.Where(c => c.Channel is { } source && source != Channel))
        {
            lag.Record(change.Channel!.Value, Channel, change.EventId, acceptedAt - change.OccurredAt, acceptedAt);
        }

        var newest = changes.Count > 0 ? changes[0] : null;
        var detail = newest is null
            ? string.Create(CultureInfo.InvariantCulture, $"{Channel} now shows {quantity}")
            : string.Create(CultureInfo.InvariantCulture, $"{Channel} now shows {quantity}, {(acceptedAt - newest.OccurredAt).TotalMilliseconds:F0} ms after the {newest.Channel?.ToString() ?? newest.Source} {newest.Kind.ToString().ToLowerInvariant()}");
        await timeline.AppendManyAsync(
            [(mapping.Sku, attemptEntry with { EventId = newest?.EventId }), (mapping.Sku, new TimelineEntry(acceptedAt, TimelineSteps.PushAccepted, Channel, newest?.EventId, detail, "accepted", channelLatency, null, attempt))],
            cancellationToken);
    }

    /// <summary>The changes this write makes visible here: committed since the previous push of this listing looked at
    /// the channel, newest first. Those from other channels are the lag samples.</summary>
    private async Task<List<HistoryEntry>> ChangesSinceLastPushAsync(SkuMapping mapping, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_stock is { LastChange: { } committed } && _previous is { } previous && previous.LedgerVersion + 1 == _stock.Version)
        {
            // The push starts from the ledger's own commit, one version past the previous push: that commit is the
            // only change since, and the ledger handed it over instead of the history being read for it.
            return [committed];
        }

        var since = _previous?.CheckedAt ?? now - FirstPushLookback;
        var changes = new List<HistoryEntry>();
        foreach (var sku in mapping.IsComposed ? mapping.Parts.Select(p => p.Sku).Distinct(StringComparer.Ordinal) : [mapping.Sku])
        {
            var page = await ledger.GetHistoryAsync(sku, MaxChanges, null, cancellationToken);
            changes.AddRange(page.Entries.TakeWhile(e => e.CommittedAt > since));
        }

        return [.. changes.DistinctBy(e => e.EventId).OrderByDescending(e => e.CommittedAt)];
    }
}

/// <summary>Consecutive failed writes per listing in this instance, so a retried push shows as attempt 2, 3, ….</summary>
public sealed class PushFailures
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string, Channel), int> _failures = [];

    public int Next(string sku, Channel channel)
    {
        lock (_gate)
        {
            return _failures.GetValueOrDefault((sku, channel)) + 1;
        }
    }

    public void Failed(string sku, Channel channel)
    {
        lock (_gate)
        {
            _failures[(sku, channel)] = _failures.GetValueOrDefault((sku, channel)) + 1;
        }
    }

    public void Succeeded(string sku, Channel channel)
    {
        lock (_gate)
        {
            _failures.Remove((sku, channel));
        }
    }
}

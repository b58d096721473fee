using FuncSync.Channels;
using FuncSync.Domain;

namespace FuncSync.Polling;

/// <summary>How a polled channel paces its poll: between <paramref name="MinIntervalSeconds"/> and
/// <paramref name="MaxIntervalSeconds"/> by activity (every tick when not <paramref name="Adaptive"/>), keeping
/// <paramref name="ReservedDailyShare"/> of the daily quota for pushes and reconciliation.</summary>
public sealed record PollPacing(bool Adaptive, int MinIntervalSeconds, int MaxIntervalSeconds, double ReservedDailyShare);

/// <summary>What a polled channel shows of its pacer in its health output.</summary>
public sealed record PollHealth(
    double IntervalSeconds,
    DateTimeOffset? LastPollAt,
    DateTimeOffset? NextPollAt,
    int LastPollSales,
    int IdlePolls,
    int? LimitPerSecond,
    int? RemainingThisSecond,
    int? LimitPerDay,
    int? RemainingToday,
    int ReservedToday,
    DateTimeOffset? QuotaSeenAt,
    bool WebhookEnabled);

/// <summary>What one instance's pacer knows, as other instances adopt it: the poll's timer may fire on another
/// instance next time (its lease moves), and the health endpoint may be asked anywhere.</summary>
public sealed record PollPacerState(
    DateTimeOffset? LastPollAt,
    int LastPollSales,
    int LastPollRequests,
    int IdlePolls,
    int? LimitPerSecond,
    int? RemainingThisSecond,
    int? LimitPerDay,
    int? RemainingToday,
    DateTimeOffset? QuotaSeenAt);

/// <summary>
/// Chooses how often a channel's poll asks the channel under a daily request quota (Etsy's receipts; eBay's and
/// Amazon's orders). Fast (the minimum interval) while polls find sales, doubling with each empty poll up to the
/// maximum; and never faster than the daily budget allows once a reserved share is kept back for pushes and
/// reconciliation: with R requests left today, a reserve of S and P requests per poll, the poll may run every
/// 86,400 × P / (R − S) seconds. The channel's quota headers feed it from every response. One per instance and
/// channel, registered keyed by channel; its state is shared through <see cref="SharedPollPacerState"/>, newest poll
/// and newest quota winning. It is also the channel's <see cref="IChannelBudget"/> for the health check.
/// </summary>
public sealed class PollPacer(Channel channel, Func<PollPacing> pacing, TimeProvider time) : IChannelBudget
{
    private const double SecondsPerDay = 86_400;

    private readonly Lock _gate = new();
    private DateTimeOffset? _lastPollAt;
    private int _lastPollSales;
    private int _lastPollRequests = 1;
    private int _idlePolls;
    private int? _limitPerSecond;
    private int? _remainingThisSecond;
    private int? _limitPerDay;
    private int? _remainingToday;
    private DateTimeOffset? _quotaSeenAt;

    /// <summary>Records the channel's quota headers (Etsy's <c>x-limit-per-second</c>, <c>x-remaining-this-second</c>,
    /// <c>x-limit-per-day</c> and <c>x-remaining-today</c>); a response without them (Etsy's 429) records nothing.</summary>
    public void ObserveQuota(int? limitPerSecond, int? remainingThisSecond, int? limitPerDay, int? remainingToday)
    {
        if (remainingToday is null && remainingThisSecond is null)
        {
            return;
        }

        lock (_gate)
        {
            _limitPerSecond = limitPerSecond ?? _limitPerSecond;
            _remainingThisSecond = remainingThisSecond ?? _remainingThisSecond;
            _limitPerDay = limitPerDay ?? _limitPerDay;
            _remainingToday = remainingToday ?? _remainingToday;
            _quotaSeenAt = time.GetUtcNow();
        }
    }

    /// <summary>Whether the poll should ask the channel now: always when adaptive polling is off or nothing was polled yet.</summary>
    public bool IsDue()
    {
        if (!pacing().Adaptive)
        {
            return true;
        }

        lock (_gate)
        {
            return _lastPollAt is not { } last || time.GetUtcNow() >= last + IntervalLocked();
        }
    }

    public void RecordPoll(int sales, int requests)
    {
        lock (_gate)
        {
            _lastPollAt = time.GetUtcNow();
            _lastPollSales = sales;
            _lastPollRequests = Math.Max(1, requests);
            _idlePolls = sales > 0 ? 0 : Math.Min(_idlePolls + 1, 30);
        }
    }

    public Channel Channel => channel;

    public PollPacerState Snapshot()
    {
        lock (_gate)
        {
            return new PollPacerState(
                _lastPollAt, _lastPollSales, _lastPollRequests, _idlePolls,
                _limitPerSecond, _remainingThisSecond, _limitPerDay, _remainingToday, _quotaSeenAt);
        }
    }

    /// <summary>Adopts another instance's newer poll and newer quota reading; older news changes nothing.</summary>
    public void Merge(PollPacerState? shared)
    {
        if (shared is null)
        {
            return;
        }

        lock (_gate)
        {
            if (shared.LastPollAt > _lastPollAt || (_lastPollAt is null && shared.LastPollAt is not null))
            {
                _lastPollAt = shared.LastPollAt;
                _lastPollSales = shared.LastPollSales;
                _lastPollRequests = Math.Max(1, shared.LastPollRequests);
                _idlePolls = shared.IdlePolls;
            }

            if (shared.QuotaSeenAt > _quotaSeenAt || (_quotaSeenAt is null && shared.QuotaSeenAt is not null))
            {
                _limitPerSecond = shared.LimitPerSecond;
                _remainingThisSecond = shared.RemainingThisSecond;
                _limitPerDay = shared.LimitPerDay;
                _remainingToday = shared.RemainingToday;
                _quotaSeenAt = shared.QuotaSeenAt;
            }
        }
    }

    public TimeSpan Interval
    {
        get
        {
            lock (_gate)
            {
                return IntervalLocked();
            }
        }
    }

    public PollHealth Health(bool webhookEnabled)
    {
        lock (_gate)
        {
            var interval = IntervalLocked();
            return new PollHealth(
                interval.TotalSeconds, _lastPollAt, _lastPollAt + interval, _lastPollSales, _idlePolls,
                _limitPerSecond, _remainingThisSecond, _limitPerDay, _remainingToday, ReservedLocked(), _quotaSeenAt, webhookEnabled);
        }
    }

    /// <summary>The daily quota as this instance last saw it, for the health check.</summary>
    public ChannelBudget Read()
    {
        lock (_gate)
        {
            return new ChannelBudget(channel, _limitPerDay, _remainingToday, ReservedLocked(), _limitPerSecond, _quotaSeenAt);
        }
    }

    private TimeSpan IntervalLocked()
    {
        var settings = pacing();
        var min = (double)settings.MinIntervalSeconds;
        var max = Math.Max(min, settings.MaxIntervalSeconds);
        var activity = Math.Min(max, min * Math.Pow(2, _idlePolls));
        if (_remainingToday is not { } remaining)
        {
            return TimeSpan.FromSeconds(activity);
        }

        // The budget floor can exceed the idle maximum: when the day's spare requests run out, the poll waits.
        var spare = remaining - ReservedLocked();
        var floor = spare <= 0 ? SecondsPerDay / 24 : SecondsPerDay * _lastPollRequests / spare;
        return TimeSpan.FromSeconds(Math.Max(activity, Math.Min(floor, SecondsPerDay / 24)));
    }

    private int ReservedLocked() => (int)Math.Ceiling((_limitPerDay ?? 0) * pacing().ReservedDailyShare);
}

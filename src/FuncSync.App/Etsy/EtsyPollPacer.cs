using Microsoft.Extensions.Options;

namespace FuncSync.Etsy;

/// <summary>What the Etsy connector shows in its health output.</summary>
public sealed record EtsyPollHealth(
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
public sealed record EtsyPacerState(
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
/// Chooses how often the receipt poll asks Etsy. Fast (the minimum interval) while polls find sales, doubling
/// with each empty poll up to the maximum; and never faster than the daily budget allows once a reserved share
/// is kept back for pushes and reconciliation: with R requests left today, a reserve of S and P requests per
/// poll, the poll may run every 86,400 × P / (R − S) seconds. Etsy's quota headers feed it from every response.
/// One per instance; its state is shared through <see cref="EtsySharedPacerState"/>, newest poll and newest quota winning.
/// </summary>
public sealed class EtsyPollPacer(IOptions<EtsyOptions> options, TimeProvider time)
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

    /// <summary>Records Etsy's <c>x-limit-per-second</c>, <c>x-remaining-this-second</c>, <c>x-limit-per-day</c> and
    /// <c>x-remaining-today</c> (absent on a 429, so nothing is recorded then).</summary>
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

    /// <summary>Whether the poll should ask Etsy now: always when adaptive polling is off or nothing was polled yet.</summary>
    public bool IsDue()
    {
        if (!options.Value.AdaptivePolling)
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

    public EtsyPacerState Snapshot()
    {
        lock (_gate)
        {
            return new EtsyPacerState(
                _lastPollAt, _lastPollSales, _lastPollRequests, _idlePolls,
                _limitPerSecond, _remainingThisSecond, _limitPerDay, _remainingToday, _quotaSeenAt);
        }
    }

    /// <summary>Adopts another instance's newer poll and newer quota reading; older news changes nothing.</summary>
    public void Merge(EtsyPacerState? shared)
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

    public EtsyPollHealth Health(bool webhookEnabled)
    {
        lock (_gate)
        {
            var interval = IntervalLocked();
            return new EtsyPollHealth(
                interval.TotalSeconds, _lastPollAt, _lastPollAt + interval, _lastPollSales, _idlePolls,
                _limitPerSecond, _remainingThisSecond, _limitPerDay, _remainingToday, ReservedLocked(), _quotaSeenAt, webhookEnabled);
        }
    }

    private TimeSpan IntervalLocked()
    {
        var etsy = options.Value;
        var min = (double)etsy.MinPollIntervalSeconds;
        var max = Math.Max(min, etsy.MaxPollIntervalSeconds);
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

    private int ReservedLocked() => (int)Math.Ceiling((_limitPerDay ?? 0) * options.Value.ReservedDailyShare);
}

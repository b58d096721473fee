namespace FuncSync.Simulators.Etsy;

internal enum EtsyRateDecision
{
    Allowed,
    PerSecondExceeded,
    PerDayExceeded,
}

/// <summary>
/// Etsy's two quotas: queries per second (a window per wall-clock second) and queries per day (a rolling 24 h
/// window kept as per-second buckets). QPS is evaluated first, as Etsy documents. Thread-safe.
/// </summary>
internal sealed class EtsyRateLimiter(int perSecond, int perDay, TimeProvider timeProvider)
{
    private const long SecondsPerDay = 24 * 60 * 60;

    private readonly Lock _gate = new();
    private readonly Queue<(long Second, int Count)> _day = new();
    private long _currentSecond = long.MinValue;
    private int _thisSecond;
    private int _today;

    public int PerSecond => perSecond;

    public int PerDay => perDay;

    public EtsyRateDecision TryAcquire(out int remainingThisSecond, out int remainingToday)
    {
        lock (_gate)
        {
            var second = timeProvider.GetUtcNow().ToUnixTimeSeconds();
            if (second != _currentSecond)
            {
                if (_thisSecond > 0)
                {
                    _day.Enqueue((_currentSecond, _thisSecond));
                }

                _currentSecond = second;
                _thisSecond = 0;
            }

            while (_day.TryPeek(out var oldest) && oldest.Second <= second - SecondsPerDay)
            {
                _today -= _day.Dequeue().Count;
            }

            var decision = _thisSecond >= perSecond ? EtsyRateDecision.PerSecondExceeded
                : _today >= perDay ? EtsyRateDecision.PerDayExceeded
                : EtsyRateDecision.Allowed;
            if (decision == EtsyRateDecision.Allowed)
            {
                _thisSecond++;
                _today++;
            }

            remainingThisSecond = perSecond - _thisSecond;
            remainingToday = perDay - _today;
            return decision;
        }
    }
}

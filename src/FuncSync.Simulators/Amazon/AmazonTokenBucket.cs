namespace FuncSync.Simulators.Amazon;

/// <summary>Amazon's rate-limiting algorithm for one operation: a bucket of <see cref="AmazonRateLimit.Burst"/> tokens
/// refilled at <see cref="AmazonRateLimit.Rate"/> per second; a request without a token is answered 429. Callers hold
/// the simulator's lock.</summary>
internal sealed class AmazonTokenBucket(AmazonRateLimit limit, DateTimeOffset now)
{
    private double _tokens = limit.Burst;
    private DateTimeOffset _at = now;

    public AmazonRateLimit Limit { get; } = limit;

    public bool TryTake(DateTimeOffset now)
    {
        if (now > _at)
        {
            _tokens = Math.Min(Limit.Burst, _tokens + ((now - _at).TotalSeconds * Limit.Rate));
            _at = now;
        }

        if (_tokens < 1)
        {
            return false;
        }

        _tokens--;
        return true;
    }
}

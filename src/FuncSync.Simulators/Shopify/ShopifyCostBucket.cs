using System.Text.Json.Nodes;

namespace FuncSync.Simulators.Shopify;

/// <summary>
/// The GraphQL Admin API's leaky bucket: each request pays its query cost up front, and points come back at
/// <c>restoreRate</c> per second up to <c>maximumAvailable</c>.
/// </summary>
internal sealed class ShopifyCostBucket
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _timeProvider;
    private readonly int _maximum;
    private readonly int _restoreRate;
    private double _available;
    private DateTimeOffset _lastRefill;

    public ShopifyCostBucket(int maximum, int restoreRate, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maximum);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(restoreRate);
        _maximum = maximum;
        _restoreRate = restoreRate;
        _timeProvider = timeProvider;
        _available = maximum;
        _lastRefill = timeProvider.GetUtcNow();
    }

    /// <summary>Pays <paramref name="cost"/> if the bucket holds enough; returns the cost extension either way.</summary>
    public bool TryCharge(int cost, out JsonObject costExtension)
    {
        bool paid;
        double after;
        lock (_gate)
        {
            var now = _timeProvider.GetUtcNow();
            var elapsed = (now - _lastRefill).TotalSeconds;
            if (elapsed > 0)
            {
                _available = Math.Min(_maximum, _available + (elapsed * _restoreRate));
                _lastRefill = now;
            }

            paid = _available >= cost;
            if (paid)
            {
                _available -= cost;
            }

            after = _available;
        }

        costExtension = new JsonObject
        {
            ["requestedQueryCost"] = cost,
            // Shopify reports no actual cost for a request it refused.
            ["actualQueryCost"] = paid ? cost : null,
            ["throttleStatus"] = new JsonObject
            {
                ["maximumAvailable"] = (double)_maximum,
                ["currentlyAvailable"] = (int)Math.Floor(after),
                ["restoreRate"] = (double)_restoreRate,
            },
        };
        return paid;
    }
}

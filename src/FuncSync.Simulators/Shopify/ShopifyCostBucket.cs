using System.Text.Json.Nodes;

namespace FuncSync.Simulators.Shopify;

/// <summary>
/// The GraphQL Admin API's leaky bucket: a request pays its requested (worst-case) cost up front and is refused with
/// THROTTLED when the bucket holds less; after it ran, the difference to its actual cost is given back. Points return
/// at <c>restoreRate</c> per second up to <c>maximumAvailable</c>.
/// </summary>
internal sealed class ShopifyCostBucket
{
    /// <summary>Shopify refuses a single query whose requested cost is above this, whatever the bucket holds.</summary>
    public const int MaxSingleQueryCost = 1000;

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

    /// <summary>Pays <paramref name="requested"/> points if the bucket holds that many.</summary>
    public bool TryCharge(int requested)
    {
        lock (_gate)
        {
            Refill();
            if (_available < requested)
            {
                return false;
            }

            _available -= requested;
            return true;
        }
    }

    /// <summary>Gives back what a request was charged beyond its actual cost.</summary>
    public void Refund(int points)
    {
        lock (_gate)
        {
            Refill();
            _available = Math.Min(_maximum, _available + points);
        }
    }

    /// <summary>The <c>extensions.cost</c> object; <paramref name="actual"/> is null for a refused request.</summary>
    public JsonObject Extension(int requested, int? actual)
    {
        double available;
        lock (_gate)
        {
            Refill();
            available = _available;
        }

        return new JsonObject
        {
            ["requestedQueryCost"] = requested,
            ["actualQueryCost"] = actual,
            ["throttleStatus"] = new JsonObject
            {
                ["maximumAvailable"] = (double)_maximum,
                ["currentlyAvailable"] = (int)Math.Floor(available),
                ["restoreRate"] = (double)_restoreRate,
            },
        };
    }

    private void Refill()
    {
        var now = _timeProvider.GetUtcNow();
        var elapsed = (now - _lastRefill).TotalSeconds;
        if (elapsed > 0)
        {
            _available = Math.Min(_maximum, _available + (elapsed * _restoreRate));
            _lastRefill = now;
        }
    }
}

using System.Text.Json.Nodes;

namespace FuncSync.Shopify;

/// <summary>Shopify's GraphQL Admin API meters calculated query cost in a leaky bucket (maximum,
/// current, restore rate per second) and reports it after every call in
/// <c>extensions.cost.throttleStatus</c>. This instance keeps the last report, counts down what it
/// spends, and makes a call wait until the bucket can pay for it instead of collecting THROTTLED.</summary>
public sealed class ShopifyCostBudget(TimeProvider time)
{
    private readonly Lock _gate = new();
    private double _available = double.NaN;
    private double _maximum;
    private double _restorePerSecond;
    private DateTimeOffset _at;

    /// <summary>Reserves <paramref name="cost"/> points and says how long to wait before spending them.</summary>
    public TimeSpan Reserve(double cost)
    {
        lock (_gate)
        {
            if (double.IsNaN(_available) || _restorePerSecond <= 0)
            {
                return TimeSpan.Zero;
            }

            var now = time.GetUtcNow();
            _available = Math.Min(_maximum, _available + ((now - _at).TotalSeconds * _restorePerSecond)) - cost;
            _at = now;
            return _available >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_available / _restorePerSecond);
        }
    }

    /// <summary>Takes Shopify's own figures as the truth, whatever this instance estimated.</summary>
    public void Observe(JsonNode? cost)
    {
        var status = cost?["throttleStatus"];
        if (status?["currentlyAvailable"] is not { } available || status["maximumAvailable"] is not { } maximum || status["restoreRate"] is not { } restore)
        {
            return;
        }

        lock (_gate)
        {
            _available = available.GetValue<double>();
            _maximum = maximum.GetValue<double>();
            _restorePerSecond = restore.GetValue<double>();
            _at = time.GetUtcNow();
        }
    }
}

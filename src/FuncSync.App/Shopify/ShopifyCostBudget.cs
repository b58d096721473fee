using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace FuncSync.Shopify;

/// <summary>Shopify's GraphQL Admin API meters calculated query cost in a leaky bucket (maximum,
/// current, restore rate per second) and reports it after every call in
/// <c>extensions.cost.throttleStatus</c>. This instance keeps the last report, counts down what it
/// spends, and makes a call wait until the bucket can pay for it instead of collecting THROTTLED.
/// Before the first report it assumes the configured plan's restore rate and a full bucket of ten
/// seconds' worth (an estimate: Shopify's first answer replaces it).</summary>
public sealed class ShopifyCostBudget(TimeProvider time, IOptions<ShopifyOptions> options)
{
    private readonly Lock _gate = new();
    private double _available = double.NaN;
    private double _maximum;
    private double _restorePerSecond;
    private DateTimeOffset _at;

    /// <summary>Points per second the bucket refills at, as last reported (or as configured).</summary>
    public double RestorePerSecond
    {
        get
        {
            lock (_gate)
            {
                return _restorePerSecond > 0 ? _restorePerSecond : options.Value.PlanRestoreRate;
            }
        }
    }

    /// <summary>Reserves <paramref name="cost"/> points and says how long to wait before spending them.</summary>
    public TimeSpan Reserve(double cost)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (double.IsNaN(_available) || _restorePerSecond <= 0)
            {
                _restorePerSecond = options.Value.PlanRestoreRate;
                _maximum = _restorePerSecond * 10;
                _available = _maximum;
                _at = now;
            }

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

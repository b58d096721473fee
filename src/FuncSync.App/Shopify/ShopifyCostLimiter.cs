using System.Text.Json.Nodes;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace FuncSync.Shopify;

/// <summary>Shopify's GraphQL Admin API meters calculated query cost in a leaky bucket per app and shop: a request
/// pays its requested cost up front, points come back at the plan's restore rate (100/200/1000/2000 a second), and a
/// request the bucket cannot pay is refused with THROTTLED. This limiter mirrors the bucket so that FuncSync's calls
/// wait here instead: a permit is a cost point, granted first come first served once the mirror holds enough.
/// <para>The mirror follows Shopify's own figures: every answer's <c>extensions.cost.throttleStatus</c> lowers it
/// to what Shopify reports (minus what is still in flight, which Shopify may not have charged when it answered), and
/// the unused part of a request's cost comes back, so other clients of the same bucket, refunds and the real plan
/// limits are all taken into account. Before the first answer it
/// assumes the configured plan rate and a bucket of ten seconds of it, and sends one request at a time.</para></summary>
public sealed class ShopifyCostLimiter : RateLimiter
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly LinkedList<Waiter> _waiters = new();
    private readonly Dictionary<string, int> _requestedCosts = new(StringComparer.Ordinal);
    private readonly ITimer _timer;
    private double _available;
    private double _maximum;
    private double _restorePerSecond;
    private double _inFlight;
    private DateTimeOffset _at;
    private DateTimeOffset? _idleSince;

    // Until Shopify has reported its bucket once, the assumed size may be wrong: one request at a time finds out.
    private bool _calibrated;

    public ShopifyCostLimiter(TimeProvider time, IOptions<ShopifyOptions> options)
    {
        _time = time;
        _restorePerSecond = options.Value.PlanRestoreRate;
        _maximum = _restorePerSecond * 10;
        _available = _maximum;
        _at = time.GetUtcNow();
        _idleSince = _at;
        _timer = time.CreateTimer(_ => Release(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Points per second the bucket refills at, as last reported (or as configured).</summary>
    public double RestorePerSecond
    {
        get
        {
            lock (_gate)
            {
                return _restorePerSecond;
            }
        }
    }

    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_gate)
            {
                return _idleSince is { } since ? _time.GetUtcNow() - since : null;
            }
        }
    }

    /// <summary>The points to reserve for <paramref name="operation"/>: what Shopify last asked for it
    /// (<c>requestedQueryCost</c>), or <paramref name="estimate"/> before it was seen.</summary>
    public int EstimateFor(string operation, int estimate)
    {
        lock (_gate)
        {
            return _requestedCosts.TryGetValue(operation, out var requested) ? Math.Max(requested, 1) : estimate;
        }
    }

    /// <summary>Takes Shopify's figures from a response's <c>extensions.cost</c> as the truth.</summary>
    public void Observe(string operation, JsonNode? cost)
    {
        if (Number(cost?["requestedQueryCost"]) is { } requested)
        {
            lock (_gate)
            {
                _requestedCosts[operation] = (int)Math.Ceiling(requested);
            }
        }

        var status = cost?["throttleStatus"];
        if (Number(status?["currentlyAvailable"]) is not { } available || Number(status?["maximumAvailable"]) is not { } maximum || Number(status?["restoreRate"]) is not { } restore)
        {
            return;
        }

        lock (_gate)
        {
            Refill();

            // What the request was charged beyond its actual cost came back to Shopify's bucket.
            if (Number(cost?["actualQueryCost"]) is { } actual && Number(cost?["requestedQueryCost"]) is { } charged && charged > actual)
            {
                _available += charged - actual;
            }

            // Shopify's figure may be older than the mirror (answers overtake each other) and may not include what
            // is still on the wire, so it can only lower the mirror: other clients spending from the bucket, a
            // smaller bucket than assumed, a THROTTLED refusal.
            _maximum = maximum;
            _restorePerSecond = Math.Max(restore, 0.001);
            _available = Math.Min(Math.Min(_available, _maximum), available - _inFlight);
            _calibrated = true;
        }

        Release();
    }

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_gate)
        {
            Refill();
            return new RateLimiterStatistics { CurrentAvailablePermits = (long)Math.Floor(Math.Max(0, _available)), CurrentQueuedCount = _waiters.Count };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        lock (_gate)
        {
            Refill();
            return _waiters.Count == 0 && CanPay(permitCount) ? Grant(permitCount) : Refused.Instance;
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        Waiter waiter;
        lock (_gate)
        {
            Refill();
            if (_waiters.Count == 0 && CanPay(permitCount))
            {
                return ValueTask.FromResult<RateLimitLease>(Grant(permitCount));
            }

            waiter = new Waiter(permitCount);
            waiter.Node = _waiters.AddLast(waiter);
            _idleSince = null;
            ScheduleHead();
        }

        if (cancellationToken.CanBeCanceled)
        {
            waiter.Cancellation = cancellationToken.Register(() => Cancel(waiter, cancellationToken));
        }

        return new ValueTask<RateLimitLease>(waiter.Completion.Task);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _timer.Dispose();
            lock (_gate)
            {
                foreach (var waiter in _waiters)
                {
                    waiter.Completion.TrySetResult(Refused.Instance);
                }

                _waiters.Clear();
            }
        }

        base.Dispose(disposing);
    }

    private static double? Number(JsonNode? node) => node is JsonValue value
        ? value.TryGetValue<double>(out var real) ? real : value.TryGetValue<int>(out var whole) ? whole : null
        : null;

    // A request costing more than the bucket can ever hold waits for a full bucket; Shopify decides what to do with it.
    private bool CanPay(int cost) => (_calibrated || _inFlight == 0) && _available >= Math.Min(cost, _maximum);

    private Lease Grant(int cost)
    {
        _available -= cost;
        _inFlight += cost;
        _idleSince = null;
        return new Lease(this, cost);
    }

    private void Completed(int cost)
    {
        lock (_gate)
        {
            _inFlight = Math.Max(0, _inFlight - cost);
            if (_inFlight == 0 && _waiters.Count == 0)
            {
                _idleSince = _time.GetUtcNow();
            }
        }

        if (!_calibrated)
        {
            // The probe came back without figures (an error status): let the next one go.
            Release();
        }
    }

    private void Refill()
    {
        var now = _time.GetUtcNow();
        var elapsed = (now - _at).TotalSeconds;
        if (elapsed > 0)
        {
            _available = Math.Min(_maximum, _available + (elapsed * _restorePerSecond));
            _at = now;
        }
    }

    /// <summary>Grants waiters in order while the mirror can pay, then sets the timer for the next one.</summary>
    private void Release()
    {
        lock (_gate)
        {
            Refill();
            while (_waiters.First is { } head && CanPay(head.Value.Cost))
            {
                _waiters.RemoveFirst();
                head.Value.Cancellation.Unregister();
                head.Value.Completion.TrySetResult(Grant(head.Value.Cost));
            }

            ScheduleHead();
        }
    }

    private void ScheduleHead()
    {
        if (_waiters.First is not { } head)
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        var missing = Math.Min(head.Value.Cost, _maximum) - _available;

        // A millisecond more than the exact refill time, so the timer never fires a hair too early.
        var wait = TimeSpan.FromSeconds(Math.Max(0, missing) / _restorePerSecond) + TimeSpan.FromMilliseconds(1);
        _timer.Change(wait, Timeout.InfiniteTimeSpan);
    }

    private void Cancel(Waiter waiter, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (waiter.Node?.List is null)
            {
                return;
            }

            _waiters.Remove(waiter.Node);
            ScheduleHead();
        }

        waiter.Completion.TrySetCanceled(cancellationToken);
    }

    private sealed class Waiter(int cost)
    {
        public int Cost { get; } = cost;

        public TaskCompletionSource<RateLimitLease> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }

        public CancellationTokenRegistration Cancellation { get; set; }
    }

    /// <summary>Held while the request is on the wire: its cost may not be in Shopify's figures yet.</summary>
    private sealed class Lease(ShopifyCostLimiter limiter, int cost) : RateLimitLease
    {
        private int _disposed;

        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                limiter.Completed(cost);
            }

            base.Dispose(disposing);
        }
    }

    private sealed class Refused : RateLimitLease
    {
        public static Refused Instance { get; } = new();

        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}

using System.Globalization;

namespace FuncSync.Amazon;

/// <summary>Amazon's usage plans, per operation, in this instance: a token bucket per operation at the rate Amazon last
/// reported in <c>x-amzn-RateLimit-Limit</c> (the published default until it has), so a request waits for its token
/// instead of drawing a 429. Amazon's buckets are per seller and app, so a 429 empties ours too. Every operation's
/// requests also pass the per-second budget every instance shares (<see cref="Channels.Budgets.SharedRequestBudget"/>).</summary>
public sealed class AmazonRateLimits(TimeProvider time)
{
    /// <summary>Published default rate (requests per second) and burst of the operations FuncSync calls.</summary>
    public static IReadOnlyDictionary<string, (double Rate, int Burst)> Defaults { get; } = new Dictionary<string, (double, int)>(StringComparer.Ordinal)
    {
        [AmazonOperations.GetListingsItem] = (5, 10),
        [AmazonOperations.PatchListingsItem] = (5, 5),
        [AmazonOperations.SearchListingsItems] = (5, 5),
        [AmazonOperations.GetOrders] = (0.0167, 20),
        [AmazonOperations.GetOrderItems] = (0.5, 30),
        [AmazonOperations.CreateFeedDocument] = (0.5, 15),
        [AmazonOperations.CreateFeed] = (0.0083, 15),
        [AmazonOperations.GetFeed] = (2, 15),
        [AmazonOperations.GetFeedDocument] = (0.0222, 10),
    };

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    /// <summary>How long the next request of <paramref name="operation"/> must wait for a token, taking it when it is
    /// now: zero means go.</summary>
    public TimeSpan Take(string operation)
    {
        lock (_gate)
        {
            var bucket = BucketOf(operation);
            bucket.Refill(time.GetUtcNow());
            if (bucket.Tokens >= 1)
            {
                bucket.Tokens--;
                return TimeSpan.Zero;
            }

            return TimeSpan.FromSeconds((1 - bucket.Tokens) / bucket.Rate);
        }
    }

    /// <summary>Takes a token of <paramref name="operation"/> only if one is there now.</summary>
    public bool TryTakeNow(string operation)
    {
        lock (_gate)
        {
            var bucket = BucketOf(operation);
            bucket.Refill(time.GetUtcNow());
            if (bucket.Tokens < 1)
            {
                return false;
            }

            bucket.Tokens--;
            return true;
        }
    }

    /// <summary>Adopts the rate an answer reported.</summary>
    public void Observe(string operation, string? header)
    {
        if (!double.TryParse(header, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) || rate <= 0)
        {
            return;
        }

        lock (_gate)
        {
            var bucket = BucketOf(operation);
            bucket.Refill(time.GetUtcNow());
            bucket.Rate = rate;
        }
    }

    /// <summary>A 429: Amazon's bucket is empty, so ours is; the next token comes at the operation's rate.</summary>
    public TimeSpan Throttled(string operation, string? header)
    {
        Observe(operation, header);
        lock (_gate)
        {
            var bucket = BucketOf(operation);
            bucket.Tokens = 0;
            return TimeSpan.FromSeconds(1 / bucket.Rate);
        }
    }

    /// <summary>The rate in force for <paramref name="operation"/> (the header's once seen).</summary>
    public double RateOf(string operation)
    {
        lock (_gate)
        {
            return BucketOf(operation).Rate;
        }
    }

    private Bucket BucketOf(string operation)
    {
        if (!_buckets.TryGetValue(operation, out var bucket))
        {
            var (rate, burst) = Defaults.TryGetValue(operation, out var known) ? known : (1, 1);
            bucket = new Bucket(rate, burst, time.GetUtcNow());
            _buckets[operation] = bucket;
        }

        return bucket;
    }

    private sealed class Bucket(double rate, int burst, DateTimeOffset now)
    {
        private DateTimeOffset _at = now;

        public double Rate { get; set; } = rate;

        public double Tokens { get; set; } = burst;

        public void Refill(DateTimeOffset now)
        {
            if (now > _at)
            {
                Tokens = Math.Min(burst, Tokens + ((now - _at).TotalSeconds * Rate));
                _at = now;
            }
        }
    }
}

/// <summary>The SP-API operations FuncSync calls, as Amazon's usage plans name them.</summary>
public static class AmazonOperations
{
    public const string GetListingsItem = "getListingsItem";
    public const string PatchListingsItem = "patchListingsItem";
    public const string SearchListingsItems = "searchListingsItems";
    public const string GetOrders = "getOrders";
    public const string GetOrderItems = "getOrderItems";
    public const string CreateFeedDocument = "createFeedDocument";
    public const string CreateFeed = "createFeed";
    public const string GetFeed = "getFeed";
    public const string GetFeedDocument = "getFeedDocument";
}

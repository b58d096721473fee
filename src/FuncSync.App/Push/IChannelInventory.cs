using FuncSync.Catalog;
using FuncSync.Domain;

namespace FuncSync.Push;

/// <summary>Reads and writes one channel's quantity for a mapped SKU.</summary>
public interface IChannelInventory
{
    Channel Channel { get; }

    /// <summary>The quantity the channel shows buyers now (a disabled offering or an inactive
    /// listing shows zero), plus whatever the write needs from the same read.</summary>
    Task<ChannelStock> ReadAsync(SkuMapping mapping, CancellationToken cancellationToken);

    /// <summary>Sets the channel's quantity. Where the channel offers compare-and-set, the write is
    /// conditional on <paramref name="current"/> and throws <see cref="StaleChannelQuantityException"/>
    /// when a buyer changed it meanwhile.</summary>
    Task WriteAsync(SkuMapping mapping, ChannelStock current, int quantity, CancellationToken cancellationToken);

    /// <summary>What one write of <paramref name="mapping"/> replaces, when that is more than this SKU (Etsy's inventory
    /// PUT replaces every product of the listing): pushes of one unit run one at a time, so none sends back a copy of
    /// another's SKU older than that push's verified write. Null where a write touches only this SKU.</summary>
    string? WriteUnit(SkuMapping mapping) => null;

    /// <summary>Whether a read shows if the write it leads to carries other SKUs' quantities (<see cref="CarriesOthers"/>):
    /// then a push holds <see cref="WriteUnit"/> only when it does, and a unit that is this SKU's alone costs no lease
    /// (the push record's compare-and-set keeps one SKU's pushes one at a time). Otherwise every push holds it from the
    /// start.</summary>
    bool ReadShowsUnit => false;

    /// <summary>Whether the write that <paramref name="current"/> would lead to sends back other SKUs' quantities too (Etsy:
    /// a listing with more products than this SKU's). Asked only where <see cref="ReadShowsUnit"/>.</summary>
    bool CarriesOthers(ChannelStock current) => true;
}

/// <param name="Snapshot">Connector state from the read that the write reuses (e.g. Etsy's whole
/// inventory structure, which a write must send back complete).</param>
public sealed record ChannelStock(int Quantity, object? Snapshot = null);

/// <summary>The channel refused a conditional write: its quantity is no longer what was read.</summary>
/// <remarks>Connectors derive from it to say more (see ShopifyStaleQuantityException).</remarks>
public class StaleChannelQuantityException : Exception
{
    public StaleChannelQuantityException()
    {
    }

    public StaleChannelQuantityException(string message)
        : base(message)
    {
    }

    public StaleChannelQuantityException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A channel answered with an error that retrying the same request cannot fix.</summary>
public sealed class ChannelRequestException : Exception
{
    public ChannelRequestException()
    {
    }

    public ChannelRequestException(string message)
        : base(message)
    {
    }

    public ChannelRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A channel asked us to come back later (429, or 503) after the client's own short retries: no verdict on
/// the request, so a push waits and tries again rather than failing towards the poison queue.</summary>
public sealed class ChannelThrottledException : HttpRequestException
{
    public ChannelThrottledException()
    {
    }

    public ChannelThrottledException(string message)
        : base(message)
    {
    }

    public ChannelThrottledException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <param name="retryAfter">The channel's <c>Retry-After</c>, when it sent one.</param>
    public ChannelThrottledException(string message, System.Net.HttpStatusCode status, TimeSpan? retryAfter, Exception? inner = null)
        : base(message, inner, status)
    {
        RetryAfter = retryAfter;
        Refused = status == System.Net.HttpStatusCode.TooManyRequests;
    }

    public TimeSpan? RetryAfter { get; }

    /// <summary>The request was refused or never sent (429, an open circuit), so a write did not land; after a 503
    /// nobody knows.</summary>
    public bool Refused { get; private init; }

    /// <summary>The client's circuit breaker is open after the channel kept failing or throttling: the request was not
    /// sent, and the circuit lets one through again after <paramref name="retryAfter"/>.</summary>
    public static ChannelThrottledException CircuitOpen(Channel channel, TimeSpan retryAfter, Polly.CircuitBreaker.BrokenCircuitException open)
    {
        ArgumentNullException.ThrowIfNull(open);
        return new ChannelThrottledException($"{channel} kept failing or throttling, so requests to it pause for {retryAfter}: {open.Message}", System.Net.HttpStatusCode.ServiceUnavailable, retryAfter, open)
        {
            Refused = true,
        };
    }

    /// <summary>429 and 503 are the channel's "come back later".</summary>
    public static bool IsThrottle(System.Net.HttpStatusCode status) =>
        status is System.Net.HttpStatusCode.TooManyRequests or System.Net.HttpStatusCode.ServiceUnavailable;

    /// <summary>The delay a response asks for: <c>Retry-After</c> as seconds or as a date.</summary>
    public static TimeSpan? RetryAfterOf(HttpResponseMessage response, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(time);
        return response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - time.GetUtcNow() is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero,
            _ => null,
        };
    }
}

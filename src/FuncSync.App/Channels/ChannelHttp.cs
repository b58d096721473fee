using FuncSync.Domain;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace FuncSync.Channels;

/// <summary>What every channel's HTTP client shares under its own rate limiting.</summary>
public static class ChannelHttp
{
    public static void ConfigureResilience(HttpStandardResilienceOptions options)
    {
        // Short in-invocation retries (Retry-After honoured); longer outages are the queue's job.
        options.Retry.MaxRetryAttempts = 3;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.AttemptTimeout.Timeout = TimeSpan.FromSeconds(10);
        options.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(30);
    }

    /// <summary>The standard resilience handler of one of <paramref name="channel"/>'s clients, configured by
    /// <paramref name="configure"/> (<see cref="ConfigureResilience"/> when null), with
    /// <see cref="OpenCircuitThrottleHandler"/> just outside it. A client's handlers wrap those added after them, so
    /// call this where the standard handler belongs among the client's other handlers.</summary>
    public static IHttpClientBuilder AddChannelResilience(this IHttpClientBuilder client, Channel channel, Action<HttpStandardResilienceOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(client);

        // Added first, so it sees what the standard handler throws. Its options are named after the pipeline, which is
        // known only once the standard handler is added below; the factory reads them later, when it builds the chain.
        var pipeline = string.Empty;
        client.AddHttpMessageHandler(sp => new OpenCircuitThrottleHandler(
            channel,
            sp.GetRequiredService<IOptionsMonitor<HttpStandardResilienceOptions>>().Get(pipeline).CircuitBreaker.BreakDuration));
        pipeline = client.AddStandardResilienceHandler(configure ?? ConfigureResilience).PipelineName;
        return client;
    }
}

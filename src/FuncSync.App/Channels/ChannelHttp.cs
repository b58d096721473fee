using Microsoft.Extensions.Http.Resilience;

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
}

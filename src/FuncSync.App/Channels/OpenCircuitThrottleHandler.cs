using FuncSync.Domain;
using FuncSync.Push;
using Polly.CircuitBreaker;

namespace FuncSync.Channels;

/// <summary>Sits just outside a channel client's standard resilience handler and turns its circuit breaker's refusal
/// (a <see cref="BrokenCircuitException"/>: the request was not sent) into a <see cref="ChannelThrottledException"/>,
/// so a push or a poll comes back once the circuit lets requests through again instead of failing towards the poison
/// queue. Added by <see cref="ChannelHttp.AddChannelResilience"/>, so every channel client converts it the same way.</summary>
/// <param name="breakDuration">How long the client's breaker stays open: the wait when Polly does not say what is left.</param>
public sealed class OpenCircuitThrottleHandler(Channel channel, TimeSpan breakDuration) : DelegatingHandler
{
    public Channel Channel { get; } = channel;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await base.SendAsync(request, cancellationToken);
        }
        catch (BrokenCircuitException ex)
        {
            // The breaker reports what is left of its break; an isolated circuit (IsolatedCircuitException) reports nothing.
            var retryAfter = ex.RetryAfter is { } left && left > TimeSpan.Zero ? left : breakDuration;
            throw ChannelThrottledException.CircuitOpen(Channel, retryAfter, ex);
        }
    }
}

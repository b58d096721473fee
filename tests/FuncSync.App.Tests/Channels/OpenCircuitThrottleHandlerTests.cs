using System.Net;
using FuncSync.Channels;
using FuncSync.Domain;
using FuncSync.Push;
using Polly.CircuitBreaker;

namespace FuncSync.App.Tests.Channels;

public sealed class OpenCircuitThrottleHandlerTests
{
    private static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task SendAsync_CircuitOpen_ThrowsChannelThrottledWithWhatIsLeftOfTheBreak()
    {
        var open = new BrokenCircuitException("The circuit is now open.", TimeSpan.FromSeconds(3));
        using var invoker = Invoker(Channel.Square, _ => throw open);

        var throttled = await Assert.ThrowsAsync<ChannelThrottledException>(() => SendAsync(invoker));

        Assert.Equal(TimeSpan.FromSeconds(3), throttled.RetryAfter);
        Assert.StartsWith("Square ", throttled.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, throttled.StatusCode);
        Assert.True(throttled.Refused, "an open circuit sent nothing, so nothing was written");
        Assert.Same(open, throttled.InnerException);
    }

    [Fact]
    public async Task SendAsync_CircuitIsolated_WaitsTheBreakDuration()
    {
        // An isolated circuit says nothing of when it closes.
        using var invoker = Invoker(Channel.Ebay, _ => throw new IsolatedCircuitException());

        var throttled = await Assert.ThrowsAsync<ChannelThrottledException>(() => SendAsync(invoker));

        Assert.Equal(BreakDuration, throttled.RetryAfter);
        Assert.StartsWith("Ebay ", throttled.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_ChannelAnswers_ResponsePassesThroughUntouched()
    {
        using var answer = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        using var invoker = Invoker(Channel.Shopify, _ => answer);

        Assert.Same(answer, await SendAsync(invoker));
    }

    [Fact]
    public async Task SendAsync_OtherFailure_PassesThroughUntouched()
    {
        var refused = new HttpRequestException("connection refused");
        using var invoker = Invoker(Channel.Etsy, _ => throw refused);

        Assert.Same(refused, await Assert.ThrowsAsync<HttpRequestException>(() => SendAsync(invoker)));
    }

    private static HttpMessageInvoker Invoker(Channel channel, Func<HttpRequestMessage, HttpResponseMessage> answer) =>
        new(new OpenCircuitThrottleHandler(channel, BreakDuration) { InnerHandler = new Answering(answer) });

    private static async Task<HttpResponseMessage> SendAsync(HttpMessageInvoker invoker)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://channel.example/");
        return await invoker.SendAsync(request, CancellationToken.None);
    }

    private sealed class Answering(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(answer(request));
    }
}

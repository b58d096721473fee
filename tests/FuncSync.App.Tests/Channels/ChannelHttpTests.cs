using System.Net;
using FuncSync.Channels;
using FuncSync.Domain;
using FuncSync.Hosting.Storage;
using FuncSync.Push;
using FuncSync.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly.CircuitBreaker;

namespace FuncSync.App.Tests.Channels;

public sealed class ChannelHttpTests
{
    public static TheoryData<Channel> Channels() => [.. ChannelModules.All.Select(m => m.Channel)];

    [Fact]
    public async Task AddChannelResilience_CircuitOpened_ClientThrowsChannelThrottled()
    {
        var sent = 0;
        var services = new ServiceCollection();
        services.AddHttpClient("probe", http => http.BaseAddress = new Uri("https://channel.example/"))
            .ConfigurePrimaryHttpMessageHandler(() => new Answering(() =>
            {
                Interlocked.Increment(ref sent);
                return new HttpResponseMessage(HttpStatusCode.InternalServerError);
            }))
            .AddChannelResilience(Channel.WooCommerce, options =>
            {
                // Two failed attempts of the first request open the circuit.
                options.Retry.MaxRetryAttempts = 1;
                options.Retry.Delay = TimeSpan.Zero;
                options.CircuitBreaker.MinimumThroughput = 2;
            });
        await using var provider = services.BuildServiceProvider();
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient("probe");

        using (var failed = await http.GetAsync(new Uri("stock", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        }

        var throttled = await Assert.ThrowsAsync<ChannelThrottledException>(() => http.GetAsync(new Uri("stock", UriKind.Relative)));

        Assert.IsType<BrokenCircuitException>(throttled.InnerException);
        Assert.StartsWith("WooCommerce ", throttled.Message, StringComparison.Ordinal);
        Assert.InRange(throttled.RetryAfter!.Value, TimeSpan.FromTicks(1), new HttpCircuitBreakerStrategyOptions().BreakDuration);
        Assert.Equal(2, sent);
    }

    /// <summary>Every type of a channel's folder that takes an <see cref="HttpClient"/> gets it from the factory with the
    /// open circuit turned into a throttle, right outside the standard resilience handler.</summary>
    [Theory]
    [MemberData(nameof(Channels))]
    public void ChannelClients_EveryOne_HasTheOpenCircuitHandlerOutsideItsResilience(Channel channel)
    {
        var module = ChannelModules.Of(channel);
        var clients = typeof(ChannelModules).Assembly.GetTypes()
            .Where(t => t.Namespace == module.GetType().Namespace && t is { IsClass: true, IsAbstract: false })
            .Where(t => t.GetConstructors().Any(c => c.GetParameters().Any(p => p.ParameterType == typeof(HttpClient))))
            .ToList();
        Assert.NotEmpty(clients);
        using var provider = ChannelServices();
        var factory = provider.GetRequiredService<IHttpMessageHandlerFactory>();

        foreach (var client in clients)
        {
            // A typed client's name is its type's name.
            var chain = Chain(factory.CreateHandler(client.Name)).ToList();
            var circuit = Assert.Single(chain.OfType<OpenCircuitThrottleHandler>());
            Assert.Equal(channel, circuit.Channel);
            Assert.IsType<ResilienceHandler>(circuit.InnerHandler);
        }
    }

    private static ServiceProvider ChannelServices()
    {
        // Building a client's handlers touches no storage: the clients below are only constructed.
        var configuration = new ConfigurationBuilder().Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(StorageClients.FromConnectionString("UseDevelopmentStorage=true"));
        services.AddSingleton(new StorageNames("t"));
        services.AddChannels(configuration);
        return services.BuildServiceProvider();
    }

    private static IEnumerable<HttpMessageHandler> Chain(HttpMessageHandler? handler)
    {
        for (; handler is not null; handler = (handler as DelegatingHandler)?.InnerHandler)
        {
            yield return handler;
        }
    }

    private sealed class Answering(Func<HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(answer());
    }
}

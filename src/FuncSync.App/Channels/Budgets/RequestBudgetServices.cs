using FuncSync.Domain;
using FuncSync.Hosting.Storage;
using FuncSync.Storage;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace FuncSync.Channels.Budgets;

/// <summary>A channel's per-second request limit, as its settings give it.</summary>
/// <param name="QueriesPerSecond">The channel's per-second limit for the app.</param>
/// <param name="AppKey">Identifies the app the limit belongs to (instances of one app share it); only its hash is stored.</param>
/// <param name="Shared">Divide the limit across instances through storage; off, each instance keeps only its own
/// token bucket, which is right for one instance.</param>
/// <param name="SharedShare">The part of the limit handed out per second across instances; the rest absorbs clock skew.</param>
public sealed record RequestBudgetSettings(int QueriesPerSecond, string AppKey, bool Shared, double SharedShare);

/// <summary>Puts a channel's HTTP client under its per-second budget, both gates keyed by channel.</summary>
public static class RequestBudgetServices
{
    /// <summary>The local token bucket outermost, so waiting for the budget does not eat into the request timeouts and a
    /// retry after a 429 or a 5xx honours Retry-After instead of spending a token; call this before the client's
    /// resilience handler. Then <see cref="AddSharedRequestBudget"/> after it, innermost.</summary>
    public static IHttpClientBuilder AddRequestBudget(this IHttpClientBuilder client, Channel channel, Func<IServiceProvider, RequestBudgetSettings> settings)
    {
        client.Services.AddKeyedSingleton(channel, (sp, _) => RequestBudget.Create(settings(sp).QueriesPerSecond));
        client.AddResilienceHandler(channel.ToString().ToLowerInvariant() + "-budget", (pipeline, context) =>
        {
            var budget = context.ServiceProvider.GetRequiredKeyedService<RequestBudget>(channel);
            pipeline.AddRateLimiter(new HttpRateLimiterStrategyOptions
            {
                RateLimiter = args => budget.Limiter.AcquireAsync(1, args.Context.CancellationToken),
            });
        });
        return client;
    }

    /// <summary>Innermost: every attempt, retries included, spends from the budget all instances of the channel's app
    /// share (when <see cref="RequestBudgetSettings.Shared"/>).</summary>
    public static IHttpClientBuilder AddSharedRequestBudget(this IHttpClientBuilder client, Channel channel, Func<IServiceProvider, RequestBudgetSettings> settings)
    {
        client.Services.AddKeyedSingleton(channel, (sp, _) =>
        {
            var budget = settings(sp);
            return new SharedRequestBudget(
                channel,
                sp.GetRequiredService<StorageClients>().Table(sp.GetRequiredService<StorageNames>().ChannelBudgetsTable),
                budget.AppKey,
                Math.Max(1, (int)Math.Floor(budget.QueriesPerSecond * budget.SharedShare)),
                sp.GetRequiredService<TimeProvider>());
        });
        client.AddHttpMessageHandler(sp => settings(sp).Shared
            ? new SharedRequestBudgetHandler(sp.GetRequiredKeyedService<SharedRequestBudget>(channel))
            : new PassThroughHandler());
        return client;
    }

    /// <summary>What a client gets in place of the shared budget when it is switched off.</summary>
    private sealed class PassThroughHandler : DelegatingHandler;
}

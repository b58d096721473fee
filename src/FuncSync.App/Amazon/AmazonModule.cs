using FuncSync.Channels;
using FuncSync.Channels.Auth;
using FuncSync.Channels.Budgets;
using FuncSync.Domain;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace FuncSync.Amazon;

/// <summary>Amazon (Selling Partner API): orders from <c>ORDER_CHANGE</c> notifications on an SQS queue and an orders
/// poll as backstop; merchant-fulfilled quantities written by listings patches that Amazon applies minutes later, so a
/// write is done only when read back; no compare-and-set.</summary>
public sealed class AmazonModule : IChannelModule
{
    public Channel Channel => Channel.Amazon;

    // A sale reaches FuncSync in seconds by notification, or within two poll intervals plus Amazon's two-minute delay by
    // the poll; a write shows minutes after Amazon accepts it.
    public ChannelCapabilities Capabilities { get; } = new(
        CompareAndSet: false,
        MaxQuantity: int.MaxValue,
        Zero: ZeroQuantity.Zero,
        Intake: ChannelIntake.Poll,
        DefaultLagObjective: TimeSpan.FromMinutes(10),
        DefaultPriority: 12,
        WritesApplyLate: true);

    public ListingSchema Listing { get; } = new AmazonListingSchema();

    public string Section => AmazonOptions.Section;

    public string ConnectionSetting => nameof(AmazonOptions.ApiBaseUrl);

    public IReadOnlyDictionary<string, string?> SettingDefaults { get; } = new Dictionary<string, string?>
    {
        [AmazonOrderPollFunction.ScheduleSetting] = new AmazonOptions().OrderPollSchedule,
        [AmazonNotificationFunction.ScheduleSetting] = new AmazonOptions().NotificationSchedule,
        [AmazonFeedFunction.ScheduleSetting] = new AmazonOptions().FeedSchedule,
    };

    public void AddServices(ChannelBuilder channel)
    {
        channel.Options<AmazonOptions>();
        var services = channel.Services;
        static RequestBudgetSettings Budget(IServiceProvider sp) => sp.GetRequiredService<IOptions<AmazonOptions>>().Value.RequestBudget();
        var http = services.AddHttpClient<AmazonApi>((sp, client) => client.BaseAddress = sp.GetRequiredService<IOptions<AmazonOptions>>().Value.ApiBaseUrl);
        http.AddRequestBudget(Channel.Amazon, Budget);
        http.AddChannelResilience(Channel.Amazon, ConfigureResilience);
        http.AddSharedRequestBudget(Channel.Amazon, Budget);
        services.AddHttpClient<AmazonTokenRefresher>().AddChannelResilience(Channel.Amazon);
        channel.OAuth<AmazonTokenRefresher>(_ => AmazonOptions.TokenSettings());
        services.AddSingleton<AmazonAccessTokens>();
        services.AddSingleton<AmazonRateLimits>();
        services.AddSingleton<AmazonWriteLoad>();
        services.AddTransient<AmazonFeeds>();
        services.AddSingleton(sp => AmazonNotificationReceiver.CreateClient(sp.GetRequiredService<IOptions<AmazonOptions>>().Value));
        services.AddTransient<AmazonNotificationReceiver>();
        services.AddTransient<AmazonOrderIntake>();
        services.AddTransient<AmazonPendingWrites>();
        services.AddTransient<AmazonInventory>();
        services.AddTransient<AmazonQuantityReader>();
        services.AddTransient<AmazonCatalogReader>();
        services.AddTransient<AmazonConnectionStatus>();
        services.AddTransient<AmazonPollProgress>();
        channel.Inventory<AmazonInventory>()
            .QuantityReader<AmazonQuantityReader>()
            .CatalogReader<AmazonCatalogReader>()
            .Poll<AmazonPollProgress>()
            .Connection<AmazonConnectionStatus>();
    }

    /// <summary>The pipeline retries transient failures only: a 429 is Amazon's rate limit, which
    /// <see cref="AmazonApi"/> answers from the <c>x-amzn-RateLimit-Limit</c> header (Amazon sends no Retry-After).</summary>
    private static void ConfigureResilience(HttpStandardResilienceOptions options)
    {
        ChannelHttp.ConfigureResilience(options);
        options.Retry.ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome));
        options.CircuitBreaker.ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome));
    }

    private static bool IsTransient(Polly.Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or Polly.Timeout.TimeoutRejectedException } => true,
        { Result: { } response } => (int)response.StatusCode >= 500 || response.StatusCode == System.Net.HttpStatusCode.RequestTimeout,
        _ => false,
    };
}

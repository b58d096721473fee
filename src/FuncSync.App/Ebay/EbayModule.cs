using FuncSync.Channels;
using FuncSync.Channels.Auth;
using FuncSync.Domain;

namespace FuncSync.Ebay;

/// <summary>eBay: ORDER_CONFIRMATION notifications as hints and an orders poll as the backstop, absolute writes of both
/// quantity levels within eBay's 250 revisions per listing per day, OAuth user tokens through the shared token store,
/// and the daily call quota counted.</summary>
public sealed class EbayModule : IChannelModule
{
    public Channel Channel => Channel.Ebay;

    // With Out-of-Stock Control a listing at 0 stays alive but hidden; the audit alerts a seller without it.
    public ChannelCapabilities Capabilities { get; } = new(
        CompareAndSet: false,
        MaxQuantity: int.MaxValue,
        Zero: ZeroQuantity.Zero,
        Intake: ChannelIntake.Webhook | ChannelIntake.Poll,
        DefaultLagObjective: TimeSpan.FromMinutes(5),
        DefaultPriority: 8);

    public ListingSchema Listing { get; } = new EbayListingSchema();

    public string Section => EbayOptions.Section;

    public string ConnectionSetting => nameof(EbayOptions.ApiBaseUrl);

    public IReadOnlyDictionary<string, string?> SettingDefaults { get; } = new Dictionary<string, string?>
    {
        [EbayOrderPollFunction.ScheduleSetting] = new EbayOptions().OrderPollSchedule,
    };

    public void AddServices(ChannelBuilder channel)
    {
        channel.Options<EbayOptions>();
        var services = channel.Services;
        services.AddSingleton<EbayCallQuota>();
        services.AddTransient<EbayCallCountingHandler>();
        var api = services.AddHttpClient<EbayApi>();
        api.AddChannelResilience(Channel.Ebay);

        // Inside the retry pipeline: every attempt is a call against eBay's daily quota.
        api.AddHttpMessageHandler<EbayCallCountingHandler>();
        services.AddHttpClient<EbayOAuthClient>()
            .AddChannelResilience(Channel.Ebay);
        services.AddSingleton<EbayUserTokens>();
        services.AddSingleton<EbayAppToken>();
        services.AddSingleton<EbayPublicKeys>();
        services.AddSingleton<EbayRevisionBudget>();
        services.AddTransient<EbayInventory>();
        services.AddTransient<EbayReturns>();
        services.AddTransient<EbayQuantityReader>();
        services.AddTransient<EbayCatalogReader>();
        services.AddTransient<EbayConnectionStatus>();
        services.AddTransient<EbayBudgetStatus>();
        services.AddTransient<EbayWebhook>();
        channel.OAuth<EbayTokenRefresher>(_ => EbayOptions.TokenSettings());
        channel.Inventory<EbayInventory>()
            .QuantityReader<EbayQuantityReader>()
            .CatalogReader<EbayCatalogReader>()
            .Budget<EbayBudgetStatus>()
            .Webhook<EbayWebhook>()
            .Connection<EbayConnectionStatus>();
    }
}

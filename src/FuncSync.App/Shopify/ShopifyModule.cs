using FuncSync.Channels;
using FuncSync.Domain;

namespace FuncSync.Shopify;

/// <summary>Shopify: webhooks for sales and level changes, backed up by a poll of recently updated orders; compare-and-set
/// writes through GraphQL.</summary>
public sealed class ShopifyModule : IChannelModule
{
    public Channel Channel => Channel.Shopify;

    // Webhooks reach the hub within seconds, so the scarce unit sits here first.
    public ChannelCapabilities Capabilities { get; } = new(
        CompareAndSet: true,
        MaxQuantity: int.MaxValue,
        Zero: ZeroQuantity.Zero,
        Intake: ChannelIntake.Webhook,
        DefaultLagObjective: TimeSpan.FromSeconds(5),
        DefaultPriority: 0,
        ReportsLevelChanges: true);

    public ListingSchema Listing { get; } = new ShopifyListingSchema();

    public string Section => ShopifyOptions.Section;

    public string ConnectionSetting => nameof(ShopifyOptions.AdminApiBaseUrl);

    public IReadOnlyDictionary<string, string?> SettingDefaults { get; } = new Dictionary<string, string?>
    {
        [ShopifyOrderPollFunction.ScheduleSetting] = new ShopifyOptions().OrderPollSchedule,
    };

    public void AddServices(ChannelBuilder channel)
    {
        channel.Options<ShopifyOptions>();
        var services = channel.Services;
        services.AddSingleton<ShopifyWebhook>();
        services.AddSingleton<ShopifyLevelWatermarks>();
        services.AddSingleton<ShopifyQueues>();
        services.AddShopifyConnector(ChannelHttp.ConfigureResilience);
        services.AddTransient<ShopifyLevelReader>();
        services.AddTransient<ShopifyCatalogReader>();
        services.AddTransient<ShopifyOrderFeed>();
        services.AddTransient<ShopifyConnectionStatus>();
        channel.Inventory<ShopifyInventory>()
            .QuantityReader<ShopifyLevelReader>()
            .CatalogReader<ShopifyCatalogReader>()
            .Connection<ShopifyConnectionStatus>()
            .Webhook<ShopifyWebhook>();
    }
}

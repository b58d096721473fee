using FuncSync.Channels;
using FuncSync.Domain;
using Microsoft.Extensions.Options;

namespace FuncSync.WooCommerce;

/// <summary>The seller's own WooCommerce website: signed webhooks that cannot be trusted alone (never retried, disabled
/// after failures, late on quiet sites) backed by an orders poll with the same event ids; absolute stock writes
/// through the batch endpoints without compare-and-set.</summary>
public sealed class WooCommerceModule : IChannelModule
{
    public Channel Channel => Channel.WooCommerce;

    // With the webhook working a sale arrives in seconds; without it the poll's interval and settle margin bound it.
    public ChannelCapabilities Capabilities { get; } = new(
        CompareAndSet: false,
        MaxQuantity: int.MaxValue,
        Zero: ZeroQuantity.Zero,
        Intake: ChannelIntake.Webhook | ChannelIntake.Poll,
        DefaultLagObjective: TimeSpan.FromMinutes(5),
        DefaultPriority: 5,
        ReportsLevelChanges: true);

    public ListingSchema Listing { get; } = new WooCommerceListingSchema();

    public string Section => WooCommerceOptions.Section;

    public string ConnectionSetting => nameof(WooCommerceOptions.StoreUrl);

    public IReadOnlyDictionary<string, string?> SettingDefaults { get; } = new Dictionary<string, string?>
    {
        [WooCommerceOrderPollFunction.ScheduleSetting] = new WooCommerceOptions().OrderPollSchedule,
    };

    public void AddServices(ChannelBuilder channel)
    {
        channel.Options<WooCommerceOptions>();
        var services = channel.Services;
        services.AddHttpClient<WooCommerceApi>((sp, http) => http.BaseAddress = sp.GetRequiredService<IOptions<WooCommerceOptions>>().Value.StoreUrl)
            .AddChannelResilience(Channel.WooCommerce);
        services.AddTransient<WooCommerceInventory>();
        services.AddTransient<WooCommerceQuantityReader>();
        services.AddTransient<WooCommerceCatalogReader>();
        services.AddTransient<WooCommerceConnectionStatus>();
        services.AddTransient<WooCommerceOrderIntake>();
        services.AddTransient<WooCommerceWebhook>();
        services.AddTransient<WooCommerceWebhookWatch>();
        channel.Inventory<WooCommerceInventory>()
            .QuantityReader<WooCommerceQuantityReader>()
            .CatalogReader<WooCommerceCatalogReader>()
            .Webhook<WooCommerceWebhook>()
            .Connection<WooCommerceConnectionStatus>();
    }
}

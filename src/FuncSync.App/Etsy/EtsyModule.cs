using FuncSync.Channels;
using FuncSync.Channels.Auth;
using FuncSync.Domain;
using FuncSync.Polling;

namespace FuncSync.Etsy;

/// <summary>Etsy: receipts polled from a watermark (the ORDER_PAID webhook where Etsy offers it), writes of a
/// listing's whole inventory without compare-and-set.</summary>
public sealed class EtsyModule : IChannelModule
{
    public Channel Channel => Channel.Etsy;

    public ChannelCapabilities Capabilities { get; } = new(
        CompareAndSet: false,
        MaxQuantity: EtsyInventory.MaxQuantity,
        Zero: ZeroQuantity.Deactivated,
        Intake: ChannelIntake.Poll | ChannelIntake.Webhook,
        DefaultLagObjective: TimeSpan.FromSeconds(2 * new EtsyOptions().MaxPollIntervalSeconds),
        DefaultPriority: 11);

    public ListingSchema Listing { get; } = new EtsyListingSchema();

    public string Section => EtsyOptions.Section;

    public string ConnectionSetting => nameof(EtsyOptions.ApiBaseUrl);

    public IReadOnlyDictionary<string, string?> SettingDefaults { get; } = new Dictionary<string, string?>
    {
        [EtsyReceiptPollFunction.ScheduleSetting] = new EtsyOptions().PollSchedule,
        [EtsyCancellationCheckFunction.ScheduleSetting] = new EtsyOptions().CancellationCheckSchedule,
        [EtsyRefundCheckFunction.ScheduleSetting] = new EtsyOptions().RefundCheckSchedule,
    };

    /// <summary>A sale waits at most one poll interval to be seen, and the push after it takes less: twice the
    /// longest interval.</summary>
    public TimeSpan LagObjective(IConfigurationSection settings)
    {
        var etsy = settings.Get<EtsyOptions>() ?? new EtsyOptions();
        return TimeSpan.FromSeconds(2 * Math.Max(etsy.MinPollIntervalSeconds, etsy.MaxPollIntervalSeconds));
    }

    private static EtsyOptions Settings(IServiceProvider services) =>
        services.GetRequiredService<Microsoft.Extensions.Options.IOptions<EtsyOptions>>().Value;

    public void AddServices(ChannelBuilder channel)
    {
        channel.Options<EtsyOptions>();
        channel.Services.AddEtsyConnector();
        channel.OAuth<EtsyTokenRefresher>(
            sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<EtsyOptions>>().Value.TokenSettings(),
            legacyTable: names => names.EtsyAuthTable);
        channel.Inventory<EtsyInventory>()
            .QuantityReader<EtsyQuantityReader>()
            .CatalogReader<EtsyCatalogReader>()
            .Poll<EtsyPollProgress>()
            .PollPacing(sp => Settings(sp).Pacing(), sp => Settings(sp).ShopId.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Connection<EtsyConnectionStatus>()
            .Webhook<EtsyWebhook>();
    }
}

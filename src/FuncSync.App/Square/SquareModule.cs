using FuncSync.Channels;
using FuncSync.Channels.Auth;
using FuncSync.Domain;
using Microsoft.Extensions.Options;

namespace FuncSync.Square;

/// <summary>Square POS: webhooks for online orders and for every count change (the register's sales among them),
/// writes as inventory adjustments without compare-and-set.</summary>
public sealed class SquareModule : IChannelModule
{
    public Channel Channel => Channel.Square;

    // A register sale reaches the ledger from Square's change log as soon as its count notification is handled.
    public ChannelCapabilities Capabilities { get; } = new(
        CompareAndSet: false,
        MaxQuantity: int.MaxValue,
        Zero: ZeroQuantity.Zero,
        Intake: ChannelIntake.Webhook,
        DefaultLagObjective: TimeSpan.FromSeconds(60),
        DefaultPriority: 5,
        ReportsLevelChanges: true);

    public ListingSchema Listing { get; } = new SquareListingSchema();

    public string Section => SquareOptions.Section;

    public string ConnectionSetting => nameof(SquareOptions.ApiBaseUrl);

    public void AddServices(ChannelBuilder channel)
    {
        channel.Options<SquareOptions>();
        var services = channel.Services;
        services.AddHttpClient<SquareApi>((sp, http) => http.BaseAddress = sp.GetRequiredService<IOptions<SquareOptions>>().Value.ApiBaseUrl)
            .AddChannelResilience(Channel.Square);
        services.AddHttpClient<SquareOAuthClient>()
            .AddChannelResilience(Channel.Square);
        services.AddSingleton<SquareAccessTokens>();
        channel.OAuth<SquareTokenRefresher>(_ => SquareAccessTokens.TokenSettings());
        services.AddTransient<SquareInventory>();
        services.AddTransient<SquareQuantityReader>();
        services.AddTransient<SquareCatalogReader>();
        services.AddTransient<SquareConnectionStatus>();
        services.AddTransient<SquareWebhook>();
        services.AddTransient<SquareOrderImport>();
        services.AddTransient<SquareCountIntake>();
        services.AddSingleton<SquareChangesSeen>();
        channel.Inventory<SquareInventory>()
            .QuantityReader<SquareQuantityReader>()
            .CatalogReader<SquareCatalogReader>()
            .Webhook<SquareWebhook>()
            .Connection<SquareConnectionStatus>();
    }
}

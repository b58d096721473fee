using FuncSync.Catalog;
using FuncSync.Channels;
using FuncSync.Hosting.Storage;
using FuncSync.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace FuncSync.Etsy;

/// <summary>The Etsy connector's services beyond the HTTP client the composition root sets up.</summary>
public static class EtsyServices
{
    public static IServiceCollection AddEtsyConnector(this IServiceCollection services)
    {
        services.AddSingleton(sp => EtsyRequestBudget.Create(sp.GetRequiredService<IOptions<EtsyOptions>>().Value));
        var etsyHttp = services.AddHttpClient<EtsyApi>((sp, http) => http.BaseAddress = sp.GetRequiredService<IOptions<EtsyOptions>>().Value.ApiBaseUrl);

        // Outermost, so waiting for Etsy's budget does not eat into the request timeouts; a retry after
        // a 429 or a 5xx honours Retry-After instead of spending a token.
        etsyHttp.AddResilienceHandler("etsy-budget", (pipeline, context) =>
        {
            var budget = context.ServiceProvider.GetRequiredService<EtsyRequestBudget>();
            pipeline.AddRateLimiter(new HttpRateLimiterStrategyOptions
            {
                RateLimiter = args => budget.Limiter.AcquireAsync(1, args.Context.CancellationToken),
            });
        });
        etsyHttp.AddStandardResilienceHandler(ChannelHttp.ConfigureResilience);

        // Innermost: every attempt, retries included, spends from the budget all instances of the Etsy app share.
        etsyHttp.AddEtsySharedBudget();
        services.AddTransient<EtsyInventory>();
        services.AddTransient<EtsyShopListings>();
        services.AddTransient<EtsyQuantityReader>();
        services.AddTransient<EtsyCatalogReader>();
        services.AddTransient<EtsyConnectionStatus>();
        services.AddTransient<EtsyPollProgress>();
        services.AddTransient<EtsyBudgetStatus>();
        services.AddSingleton<EtsyTables>();

        // Tokens are encrypted at rest with a key ring every instance shares, kept in a table; the ring itself is wrapped
        // with a key-encryption key from Key Vault (or configuration) when one is configured.
        services.AddDataProtection().SetApplicationName("FuncSync");
        services.AddOptions<KeyRingOptions>().BindConfiguration(KeyRingOptions.Section);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<KeyRingOptions>>().Value.CreateProtection());
        services.AddOptions<KeyManagementOptions>().Configure<StorageClients, EtsyTables, KeyRingProtection>(
            (keys, storage, tables, protection) =>
            {
                keys.XmlRepository = new TableXmlRepository(storage.Table(tables.DataProtectionKeys));
                if (protection.Keys is { } kek)
                {
                    keys.XmlEncryptor = new KeyRingXmlEncryptor(kek);
                }
            });

        services.AddSingleton(sp => new EtsyConnectionStore(
            sp.GetRequiredService<StorageClients>().Table(sp.GetRequiredService<EtsyTables>().Connections),
            sp.GetRequiredService<ShopPartition>(), sp.GetRequiredService<IDataProtectionProvider>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new EtsyDeactivations(
            sp.GetRequiredService<StorageClients>().Table(sp.GetRequiredService<EtsyTables>().Listings),
            sp.GetRequiredService<ShopPartition>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<EtsyPollPacer>();
        services.AddSingleton(sp => new EtsySharedPacerState(
            sp.GetRequiredService<StorageClients>().Table(sp.GetRequiredService<EtsyTables>().Budget),
            sp.GetRequiredService<ShopPartition>(), sp.GetRequiredService<IOptions<EtsyOptions>>()));
        services.AddSingleton<EtsyAccessTokens>();
        services.AddSingleton<EtsyReceiptEvents>();
        services.AddSingleton(sp => new EtsyRefundReview(
            sp.GetRequiredService<StorageClients>().Table(sp.GetRequiredService<EtsyTables>().Refunds),
            sp.GetRequiredService<ShopPartition>(), sp.GetRequiredService<SkuMapStore>(), sp.GetRequiredService<Alerts.AlertSender>()));
        services.AddHttpClient<EtsyOAuthClient>().AddStandardResilienceHandler(options =>
        {
            // A refresh must not be retried blindly: the first attempt may have rotated the token already.
            options.Retry.ShouldHandle = _ => ValueTask.FromResult(false);
        });
        services.AddTransient<EtsyOAuthFunctions>();
        services.AddTransient<EtsyWebhook>();
        return services;
    }

    /// <summary>Adds the shared per-second budget as the innermost handler of the Etsy client (when
    /// <see cref="EtsyOptions.SharedBudget"/> is on).</summary>
    public static IHttpClientBuilder AddEtsySharedBudget(this IHttpClientBuilder builder)
    {
        builder.Services.AddSingleton(sp =>
        {
            var etsy = sp.GetRequiredService<IOptions<EtsyOptions>>().Value;
            return new EtsySharedBudget(
                sp.GetRequiredService<StorageClients>().Table(sp.GetRequiredService<EtsyTables>().Budget),
                etsy.Keystring,
                Math.Max(1, (int)Math.Floor(etsy.QueriesPerSecond * etsy.SharedBudgetShare)),
                sp.GetRequiredService<TimeProvider>());
        });
        builder.AddHttpMessageHandler(sp => sp.GetRequiredService<IOptions<EtsyOptions>>().Value.SharedBudget
            ? new EtsySharedBudgetHandler(sp.GetRequiredService<EtsySharedBudget>())
            : new PassThroughHandler());
        return builder;
    }
}

/// <summary><c>GET /api/etsy/health</c>: the poll pacer's view of Etsy (budget, interval, webhook) across instances.</summary>
public sealed class EtsyHealthFunction(EtsyPollPacer pacer, EtsySharedPacerState shared, IOptions<EtsyOptions> options)
{
    public const string Name = "EtsyHealth";
    public const string Route = "etsy/health";

    [Function(Name)]
    public async Task<IResult> GetAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = Route)] HttpRequest request, CancellationToken cancellationToken)
    {
        await shared.RefreshAsync(pacer, cancellationToken);
        return Results.Json(pacer.Health(options.Value.WebhookSecret.Length > 0), EtsyJson.Default.EtsyPollHealth);
    }
}

/// <summary>What the Etsy client gets in place of the shared budget when it is switched off.</summary>
internal sealed class PassThroughHandler : DelegatingHandler;

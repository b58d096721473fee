using FuncSync.Channels;
using FuncSync.Channels.Budgets;
using FuncSync.Domain;
using FuncSync.Polling;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace FuncSync.Etsy;

/// <summary>The Etsy connector's services beyond the HTTP client the composition root sets up.</summary>
public static class EtsyServices
{
    public static IServiceCollection AddEtsyConnector(this IServiceCollection services)
    {
        static RequestBudgetSettings Budget(IServiceProvider sp) => sp.GetRequiredService<IOptions<EtsyOptions>>().Value.RequestBudget();
        var etsyHttp = services.AddHttpClient<EtsyApi>((sp, http) => http.BaseAddress = sp.GetRequiredService<IOptions<EtsyOptions>>().Value.ApiBaseUrl);
        etsyHttp.AddRequestBudget(Channel.Etsy, Budget);
        etsyHttp.AddChannelResilience(Channel.Etsy);
        etsyHttp.AddSharedRequestBudget(Channel.Etsy, Budget);
        services.AddTransient<EtsyInventory>();
        services.AddTransient<EtsyShopListings>();
        services.AddTransient<EtsyQuantityReader>();
        services.AddTransient<EtsyCatalogReader>();
        services.AddTransient<EtsyConnectionStatus>();
        services.AddTransient<EtsyPollProgress>();
        services.AddSingleton<EtsyDeactivations>();
        services.AddSingleton<EtsyReceiptEvents>();
        services.AddSingleton<EtsyRefundReview>();

        // After the storage bootstrap (hosted services start in registration order): rows of Etsy's own tables move over once.
        services.AddHostedService<EtsyLegacyStateImport>();
        services.AddHttpClient<EtsyOAuthClient>().AddChannelResilience(Channel.Etsy, options =>
        {
            // A refresh must not be retried blindly: the first attempt may have rotated the token already.
            options.Retry.ShouldHandle = _ => ValueTask.FromResult(false);
        });
        services.AddTransient<EtsyOAuthFunctions>();
        services.AddTransient<EtsyWebhook>();
        return services;
    }
}

/// <summary><c>GET /api/etsy/health</c>: the poll pacer's view of Etsy (budget, interval, webhook) across instances.</summary>
public sealed class EtsyHealthFunction(
    [FromKeyedServices(Channel.Etsy)] PollPacer pacer, [FromKeyedServices(Channel.Etsy)] SharedPollPacerState shared, IOptions<EtsyOptions> options)
{
    public const string Name = "EtsyHealth";
    public const string Route = "etsy/health";

    [Function(Name)]
    public async Task<IResult> GetAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = Route)] HttpRequest request, CancellationToken cancellationToken)
    {
        await shared.RefreshAsync(pacer, cancellationToken);
        return Results.Json(pacer.Health(options.Value.WebhookSecret.Length > 0), PollingJson.Default.PollHealth);
    }
}

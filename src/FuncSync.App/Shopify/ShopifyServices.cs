using FuncSync.Channels;
using FuncSync.Domain;
using FuncSync.Json;
using FuncSync.Push;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace FuncSync.Shopify;

/// <summary>The Shopify connector's services.</summary>
public static class ShopifyServices
{
    public static IServiceCollection AddShopifyConnector(this IServiceCollection services, Action<HttpStandardResilienceOptions> resilience)
    {
        services.AddSingleton<ShopifyCostLimiter>();
        services.AddSingleton<ShopifyWriteCoalescer>();
        var http = services.AddHttpClient<ShopifyAdminApi>((sp, client) => client.BaseAddress = sp.GetRequiredService<IOptions<ShopifyOptions>>().Value.AdminApiBaseUrl);

        // Outermost, so waiting for cost budget does not eat into the request timeouts. Every call of this instance
        // pays through the one limiter, whatever the function that makes it.
        http.AddResilienceHandler("shopify-cost", (pipeline, context) =>
        {
            var limiter = context.ServiceProvider.GetRequiredService<ShopifyCostLimiter>();
            pipeline.AddRateLimiter(new HttpRateLimiterStrategyOptions
            {
                RateLimiter = args => limiter.AcquireAsync(
                    args.Context.GetRequestMessage()?.Options.TryGetValue(ShopifyAdminApi.CostKey, out var cost) == true ? cost : 1,
                    args.Context.CancellationToken),
            });
        });
        http.AddChannelResilience(Channel.Shopify, resilience);
        services.AddTransient<ShopifyInventory>();
        services.AddTransient<ShopifyWebhookSubscriptions>();
        services.AddTransient<ShopifyStockGuards>();
        services.AddHostedService<ShopifySubscriptionStartup>();
        return services;
    }

}

/// <summary><c>POST /api/shopify/subscriptions</c>: makes Shopify's webhook subscriptions point at this app.</summary>
public sealed class ShopifySubscriptionsFunction(ShopifyWebhookSubscriptions subscriptions, IOptions<ShopifyOptions> options)
{
    public const string Name = "ShopifySubscriptions";
    public const string Route = "shopify/subscriptions";

    [Function(Name)]
    public async Task<IResult> EnsureAsync([HttpTrigger(AuthorizationLevel.Function, "post", Route = Route)] HttpRequest request, CancellationToken cancellationToken)
    {
        if (ShopifyWebhookSubscriptions.CallbackFor(options.Value) is not { } callback)
        {
            return Results.Json(new ProblemBody("Set Shopify__WebhookBaseUrl to this app's public address first."), FuncSyncJson.Default.ProblemBody, statusCode: StatusCodes.Status400BadRequest);
        }

        try
        {
            return Results.Json(await subscriptions.EnsureAsync(callback, cancellationToken), ShopifyJson.Default.ShopifySubscriptionReport);
        }
        catch (ChannelRequestException ex)
        {
            return Results.Json(new ProblemBody(ex.Message), FuncSyncJson.Default.ProblemBody, statusCode: StatusCodes.Status502BadGateway);
        }
    }
}

/// <summary><c>POST /api/shopify/listings/{variantId}/guard</c>: the fix the SellsPastZero alert offers — Shopify tracks the
/// variant's quantity and stops selling it at 0.</summary>
public sealed class ShopifyGuardListingFunction(ShopifyStockGuards guards)
{
    public const string Name = "ShopifyGuardListing";
    public const string Route = "shopify/listings/{variantId}/guard";

    [Function(Name)]
    public async Task<IResult> GuardAsync([HttpTrigger(AuthorizationLevel.Function, "post", Route = Route)] HttpRequest request, string variantId, CancellationToken cancellationToken)
    {
        try
        {
            return await guards.GuardAsync(variantId, cancellationToken) is { } sku
                ? Results.Json(new GuardedListing(sku, variantId), ShopifyJson.Default.GuardedListing)
                : Results.Json(new ProblemBody($"No SKU with a Shopify product id is mapped to variant {variantId}."), FuncSyncJson.Default.ProblemBody, statusCode: StatusCodes.Status404NotFound);
        }
        catch (ChannelRequestException ex)
        {
            return Results.Json(new ProblemBody(ex.Message), FuncSyncJson.Default.ProblemBody, statusCode: StatusCodes.Status502BadGateway);
        }
    }
}

/// <summary>What <c>POST /api/shopify/listings/{variantId}/guard</c> answers: Shopify now tracks the variant and stops selling it at 0.</summary>
public sealed record GuardedListing(string Sku, string VariantId);

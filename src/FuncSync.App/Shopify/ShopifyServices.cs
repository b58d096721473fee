using FuncSync.Json;
using FuncSync.Push;
using FuncSync.Skus;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace FuncSync.Shopify;

/// <summary>The Shopify connector's services and endpoints.</summary>
public static class ShopifyServices
{
    public const string SubscriptionsName = "ShopifySubscriptions";
    public const string SubscriptionsRoute = "shopify/subscriptions";
    public const string GuardName = "ShopifyGuardListing";
    public const string GuardRoute = "shopify/listings/{variantId}/guard";

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
        http.AddStandardResilienceHandler(resilience);
        services.AddTransient<ShopifyInventory>();
        services.AddTransient<ShopifyWebhookSubscriptions>();
        services.AddTransient<ShopifyStockGuards>();
        services.AddHostedService<ShopifySubscriptionStartup>();
        return services;
    }

    public static WebApplication MapShopify(this WebApplication app)
    {
        var admin = app.MapGroup("/api").AddEndpointFilter<AdminKeyFilter>();
        admin.MapPost(SubscriptionsRoute, async (ShopifyWebhookSubscriptions subscriptions, IOptions<ShopifyOptions> options, CancellationToken ct) =>
        {
            if (ShopifyWebhookSubscriptions.CallbackFor(options.Value) is not { } callback)
            {
                return Results.Json(new ProblemBody("Set Shopify__WebhookBaseUrl to this app's public address first."), FuncSyncJson.Default.ProblemBody, statusCode: StatusCodes.Status400BadRequest);
            }

            try
            {
                return Results.Json(await subscriptions.EnsureAsync(callback, ct), ShopifyJson.Default.ShopifySubscriptionReport);
            }
            catch (ChannelRequestException ex)
            {
                return Results.Json(new ProblemBody(ex.Message), FuncSyncJson.Default.ProblemBody, statusCode: StatusCodes.Status502BadGateway);
            }
        });
        admin.MapPost(GuardRoute, async (string variantId, ShopifyStockGuards guards, CancellationToken ct) =>
        {
            try
            {
                return await guards.GuardAsync(variantId, ct) is { } sku
                    ? Results.Json(new GuardedListing(sku, variantId), ShopifyJson.Default.GuardedListing)
                    : Results.Json(new ProblemBody($"No SKU with a Shopify product id is mapped to variant {variantId}."), FuncSyncJson.Default.ProblemBody, statusCode: StatusCodes.Status404NotFound);
            }
            catch (ChannelRequestException ex)
            {
                return Results.Json(new ProblemBody(ex.Message), FuncSyncJson.Default.ProblemBody, statusCode: StatusCodes.Status502BadGateway);
            }
        });
        return app;
    }
}

/// <summary>What <c>POST /api/shopify/listings/{variantId}/guard</c> answers: Shopify now tracks the variant and stops selling it at 0.</summary>
public sealed record GuardedListing(string Sku, string VariantId);

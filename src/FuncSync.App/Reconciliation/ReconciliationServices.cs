using FuncSync.Etsy;
using FuncSync.Hosting;
using FuncSync.Hosting.Functions;
using FuncSync.Shopify;
using FuncSync.Skus;
using FuncSync.Storage;

namespace FuncSync.Reconciliation;

/// <summary>Reconciliation's services, functions and endpoints.</summary>
public static class ReconciliationServices
{
    public static FunctionsBuilder AddReconciliation(this FunctionsBuilder functions, IConfiguration configuration, StorageNames names)
    {
        var services = functions.Services;
        services.AddOptions<ReconciliationOptions>().BindConfiguration(ReconciliationOptions.Section)
            .Validate(o => o.Threshold >= 1 && o.Concurrency >= 1 && o.InFlightGrace >= TimeSpan.Zero, "Reconciliation: Threshold and Concurrency are at least 1.").ValidateOnStart();
        services.AddTransient<EtsyShopListings>();
        services.AddTransient<ShopifyLevelReader>();
        services.AddTransient<IChannelQuantityReader>(sp => sp.GetRequiredService<ShopifyLevelReader>());
        services.AddTransient<IChannelQuantityReader, EtsyQuantityReader>();
        services.AddSingleton<ExpectedShares>();
        services.AddSingleton<ReportBlobs>();
        services.AddTransient<Reconciler>();
        services.AddTransient<ReconcileHttpFunctions>();
        return functions
            .AddTimerFunction<ReconcileFunction>(ReconcileFunction.Name, configuration["Reconciliation:Schedule"] ?? new ReconciliationOptions().Schedule)
            .AddQueueFunction<ReconcileRecheckFunction>(ReconcileRecheckFunction.Name, names.ReconcileRechecksQueue)
            .AddHttpFunction(ReconcileHttpFunctions.RunName, ReconcileHttpFunctions.RunRoute, ["post"], FunctionAuthLevel.Function)
            .AddHttpFunction(ReconcileHttpFunctions.LastName, ReconcileHttpFunctions.LastRoute, ["get"], FunctionAuthLevel.Function);
    }

    public static WebApplication MapReconciliation(this WebApplication app)
    {
        var admin = app.MapGroup("/api").AddEndpointFilter<AdminKeyFilter>();
        admin.MapPost(ReconcileHttpFunctions.RunRoute, (HttpRequest request, ReconcileHttpFunctions functions, CancellationToken ct) => functions.RunAsync(request, ct));
        admin.MapGet(ReconcileHttpFunctions.LastRoute, (ReconcileHttpFunctions functions, CancellationToken ct) => functions.LastAsync(ct));
        return app;
    }
}

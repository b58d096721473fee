using FuncSync.Alerts;
using FuncSync.Catalog;
using FuncSync.Dashboard;
using FuncSync.Etsy;
using FuncSync.Forecasting;
using FuncSync.Hosting;
using FuncSync.Hosting.Functions;
using FuncSync.Hosting.Storage;
using FuncSync.Json;
using FuncSync.Lag;
using FuncSync.Ledger;
using FuncSync.Mapping;
using FuncSync.Monitoring;
using FuncSync.Polling;
using FuncSync.Push;
using FuncSync.Reconciliation;
using FuncSync.Shopify;
using FuncSync.Skus;
using FuncSync.Storage;
using FuncSync.Telemetry;
using FuncSync.Webhooks;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace FuncSync;

/// <summary>FuncSync's composition root: every function declared once, with the services it needs.</summary>
public static class FuncSyncServices
{
    public static IServiceCollection AddFuncSync(this IServiceCollection services, IConfiguration configuration)
    {
        var names = new StorageNames(configuration["FuncSync:StoragePrefix"] ?? string.Empty);
        services.AddSingleton(names);
        services.AddSingleton(new ShopPartition(configuration["FuncSync:Shop"] ?? "default"));
        services.AddOptions<ShopifyOptions>().BindConfiguration(ShopifyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EtsyOptions>().BindConfiguration(EtsyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<Allocation.AllocationOptions>().BindConfiguration(Allocation.AllocationOptions.Section)
            .Validate(o => o.IsValid(), "Allocation: Threshold, BufferPercent (0-100), MinimumHeld, MaximumShown and AssumedLag must not be negative; VelocityHalfLife must be positive.").ValidateOnStart();

        // The seam for forecast velocity: replace this registration to plug one in. Lag comes from ILagMeasurements.
        services.AddSingleton<Allocation.ISalesVelocity, Allocation.LedgerSalesVelocity>();
        services.AddSingleton<Allocation.IDerivedThreshold, Allocation.MeasuredDerivedThreshold>();

        // Before the triggers: hosted services start in registration order.
        services.AddHostedService<StorageBootstrap>();

        AddStore(services, names.LedgerTable, (table, sp) => new LedgerStore(table, sp.GetRequiredService<ShopPartition>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<ForecastingOptions>>().Value.Decay));
        AddStore(services, names.SkuMapTable, (table, sp) => new SkuMapStore(table, sp.GetRequiredService<ShopPartition>()));
        AddStore(services, names.PushesTable, (table, sp) => new PushStore(table, sp.GetRequiredService<ShopPartition>()));
        AddStore(services, names.WatermarksTable, (table, sp) => new WatermarkStore(table, sp.GetRequiredService<ShopPartition>(), sp.GetRequiredService<TimeProvider>()));
        AddStore(services, names.UnmappedTable, (table, sp) => new UnmappedEventStore(table, sp.GetRequiredService<ShopPartition>(), sp.GetRequiredService<TimeProvider>()));
        services.AddOptions<ReturnPolicy>().Configure<IConfiguration>(ReadReturnPolicy);
        services.AddSingleton<InventoryEventApplier>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddSingleton<AlertSender>();
        services.AddSingleton<CatalogImporter>();
        services.AddSingleton<RejectedWebhookStore>();
        services.AddSingleton<ShopifyWebhookFunction>();
        services.AddSingleton<ShopifyWebhookInbox>();
        services.AddSingleton<WriteUnitLocks>();
        services.AddSingleton<ShopifyLevelWatermarks>();
        services.AddSingleton<ShopifyQueues>();
        services.AddSingleton<SkuStatusFunction>();
        services.AddSingleton<StockAdminFunctions>();

        services.AddSingleton<AdminKeyFilter>();
        services.AddShopifyConnector(ConfigureResilience);
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
        etsyHttp.AddStandardResilienceHandler(ConfigureResilience);

        // Innermost: every attempt, retries included, spends from the budget all instances of the Etsy app share.
        etsyHttp.AddEtsySharedBudget();
        services.AddTransient<EtsyInventory>();
        services.AddEtsyConnector();
        services.AddTransient<IChannelInventory>(sp => sp.GetRequiredService<ShopifyInventory>());
        services.AddTransient<IChannelInventory>(sp => sp.GetRequiredService<EtsyInventory>());

        var functions = services.AddFunctionsHosting(configuration);
        functions
            .AddHttpFunction(ShopifyWebhookFunction.Name, ShopifyWebhookFunction.Route, ["post"], FunctionAuthLevel.Anonymous)
            .AddHttpFunction(SkuStatusFunction.Name, SkuStatusFunction.Route, ["get"], FunctionAuthLevel.Function)
            .AddHttpFunction(StockAdminFunctions.HistoryName, StockAdminFunctions.HistoryRoute, ["get"], FunctionAuthLevel.Function)
            .AddHttpFunction(StockAdminFunctions.CountName, StockAdminFunctions.CountRoute, ["put"], FunctionAuthLevel.Function)
            .AddHttpFunction(StockAdminFunctions.AdjustName, StockAdminFunctions.AdjustRoute, ["post"], FunctionAuthLevel.Function)
            .AddHttpFunction(StockAdminFunctions.InspectName, StockAdminFunctions.InspectRoute, ["post"], FunctionAuthLevel.Function)
            .AddQueueFunction<ApplyLedgerFunction>(ApplyLedgerFunction.Name, names.InventoryEventsQueue)
            .AddQueueFunction<PushChannelFunction>(PushChannelFunction.Name, names.ChannelPushQueue)
            .AddQueueFunction<StoreAlertFunction>(StoreAlertFunction.Name, names.AlertsQueue)
            .AddQueueFunction<ShopifyLevelCheckFunction>(ShopifyLevelCheckFunction.Name, names.ShopifyLevelChecksQueue)
            .AddQueueFunction<ShopifyWebhookIntakeFunction>(ShopifyWebhookIntakeFunction.Name, names.ShopifyWebhooksQueue)
            .AddTimerFunction<EtsyReceiptPollFunction>(EtsyReceiptPollFunction.Name, EtsyReceiptPollFunction.ScheduleSetting)
            .AddTimerFunction<EtsyCancellationCheckFunction>(EtsyCancellationCheckFunction.Name, configuration[EtsyCancellationCheckFunction.ScheduleSetting] ?? new EtsyOptions().CancellationCheckSchedule)
            .AddTimerFunction<EtsyRefundCheckFunction>(EtsyRefundCheckFunction.Name, configuration[EtsyRefundCheckFunction.ScheduleSetting] ?? new EtsyOptions().RefundCheckSchedule)
            .AddHttpFunction(EtsyWebhookFunction.Name, EtsyWebhookFunction.Route, ["post"], FunctionAuthLevel.Anonymous)
            .AddHttpFunction(EtsyOAuthFunctions.CallbackName, EtsyOAuthFunctions.CallbackRoute, ["get"], FunctionAuthLevel.Anonymous)
            .AddHttpFunction(EtsyOAuthFunctions.StartName, EtsyOAuthFunctions.StartRoute, ["get"], FunctionAuthLevel.Function)
            .AddHttpFunction(EtsyServices.HealthName, EtsyServices.HealthRoute, ["get"], FunctionAuthLevel.Function)
            .AddHttpFunction(ShopifyServices.SubscriptionsName, ShopifyServices.SubscriptionsRoute, ["post"], FunctionAuthLevel.Function)
            .AddHttpFunction(ShopifyServices.GuardName, ShopifyServices.GuardRoute, ["post"], FunctionAuthLevel.Function)
            .AddTimerFunction<OutboxSweeperFunction>(OutboxSweeperFunction.Name, configuration[OutboxSweeperFunction.ScheduleSetting] ?? OutboxSweeperFunction.DefaultSchedule)

            // Seeing and fixing drift: each feature brings its services, functions and endpoints. Lag comes last: it
            // wraps the connectors registered above.
            .AddReconciliation(configuration, names)
            .AddMappingAudit(configuration)
            .AddLagAndTimeline(configuration, names);

        // Issue 7, seeing failures: alerts pipeline, health and poison, forecasting, telemetry.
        services.AddAlerts(functions, configuration, names);
        services.AddMonitoring(functions, configuration, names);
        services.AddForecasting(functions);
        services.AddFuncSyncTelemetry(configuration);
        // The seller's dashboard, the SKU list and the mappings API.
        services.AddDashboard(functions);
        return services;
    }

    public static WebApplication MapFuncSync(this WebApplication app)
    {
        // The Functions host's readiness probe: any answer on "/" means the handler is up.
        app.MapGet("/", () => Results.Text("FuncSync is running."));
        app.MapPost("/api/" + ShopifyWebhookFunction.Route, (HttpRequest request, ShopifyWebhookFunction function, CancellationToken ct) => function.HandleAsync(request, ct));
        var admin = app.MapGroup("/api").AddEndpointFilter<AdminKeyFilter>();
        admin.MapGet(SkuStatusFunction.Route, async (string sku, SkuStatusFunction function, CancellationToken ct) =>
            await function.GetAsync(sku, ct) is { } status
                ? Results.Json(status, FuncSyncJson.Default.SkuStatus)
                : Results.Json(new ProblemBody($"No SKU {sku} is in the SKU map."), FuncSyncJson.Default.ProblemBody, statusCode: StatusCodes.Status404NotFound));
        admin.MapGet(StockAdminFunctions.HistoryRoute, (string sku, int? limit, string? continuation, StockAdminFunctions functions, CancellationToken ct) => functions.HistoryAsync(sku, limit, continuation, ct));
        admin.MapPut(StockAdminFunctions.CountRoute, (string sku, HttpRequest request, StockAdminFunctions functions, CancellationToken ct) => functions.CountAsync(sku, request, ct));
        admin.MapPost(StockAdminFunctions.AdjustRoute, (string sku, HttpRequest request, StockAdminFunctions functions, CancellationToken ct) => functions.AdjustAsync(sku, request, ct));
        admin.MapPost(StockAdminFunctions.InspectRoute, (string sku, HttpRequest request, StockAdminFunctions functions, CancellationToken ct) => functions.InspectAsync(sku, request, ct));
        app.MapEtsy();
        app.MapShopify();
        app.MapReconciliation().MapMappingAudit().MapLagAndTimeline();
        app.MapAlerts();
        app.MapMonitoring();
        app.MapForecasting();

        // The seller's dashboard, the SKU list and the mappings API.
        app.MapDashboard();
        app.MapFunctionInvocations();
        return app;
    }

    private static void ReadReturnPolicy(ReturnPolicy policy, IConfiguration configuration)
    {
        foreach (var setting in configuration.GetSection(ReturnPolicy.Section).GetChildren())
        {
            if (!Enum.TryParse<Domain.Channel>(setting.Key, ignoreCase: true, out var channel) || !Enum.TryParse<Domain.Ledger.ReturnDisposition>(setting.Value, ignoreCase: true, out var disposition))
            {
                throw new InvalidOperationException($"{ReturnPolicy.Section}:{setting.Key} = '{setting.Value}': use a channel name and Restock or Inspect, e.g. Returns__Etsy=Inspect.");
            }

            policy.Channels[channel] = disposition;
        }
    }

    private static void AddStore<TStore>(IServiceCollection services, string table, Func<Azure.Data.Tables.TableClient, IServiceProvider, TStore> create)
        where TStore : class =>
        services.AddSingleton(sp => create(sp.GetRequiredService<StorageClients>().Table(table), sp));

    private static void ConfigureResilience(HttpStandardResilienceOptions options)
    {
        // Short in-invocation retries (Retry-After honoured); longer outages are the queue's job.
        options.Retry.MaxRetryAttempts = 3;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.AttemptTimeout.Timeout = TimeSpan.FromSeconds(10);
        options.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(30);
    }
}

using FuncSync.Alerts;
using FuncSync.Catalog;
using FuncSync.Channels;
using FuncSync.Counting;
using FuncSync.Dashboard;
using FuncSync.Forecasting;
using FuncSync.Hosting;
using FuncSync.Hosting.Functions;
using FuncSync.Hosting.Storage;
using FuncSync.Lag;
using FuncSync.Launches;
using FuncSync.Ledger;
using FuncSync.Mapping;
using FuncSync.Monitoring;
using FuncSync.Pausing;
using FuncSync.Polling;
using FuncSync.Push;
using FuncSync.Reconciliation;
using FuncSync.Skus;
using FuncSync.Standing;
using FuncSync.Storage;
using FuncSync.Telemetry;
using FuncSync.Webhooks;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace FuncSync;

/// <summary>FuncSync's composition root: the services every function needs, in both run modes. The functions
/// themselves are declared by their <c>[Function]</c> attributes only.</summary>
public static class FuncSyncServices
{
    public static IServiceCollection AddFuncSync(this IServiceCollection services, IConfiguration configuration)
    {
        var names = new StorageNames(configuration["FuncSync:StoragePrefix"] ?? string.Empty);
        services.AddSingleton(names);
        services.AddSingleton(new ShopPartition(configuration["FuncSync:Shop"] ?? "default"));
        services.AddOptions<Allocation.AllocationOptions>().BindConfiguration(Allocation.AllocationOptions.Section)
            .Validate(o => o.IsValid(), "Allocation: Threshold, BufferPercent (0-100), MinimumHeld, MaximumShown, AssumedLag and TrustRateAfter must not be negative; VelocityHalfLife must be positive, OversellTolerance between 0 and 1, RecheckEvery from above 0 up to 7 days.").ValidateOnStart();

        // The seam for forecast velocity: replace this registration to plug one in. Lag comes from ILagMeasurements.
        services.AddSingleton<Allocation.ISalesVelocity, Allocation.LedgerSalesVelocity>();
        services.AddSingleton<Allocation.IDerivedThreshold, Allocation.MeasuredDerivedThreshold>();

        // Before the triggers: hosted services start in registration order.
        services.AddHostedService<StorageBootstrap>();

        AddStore(services, names.LedgerTable, (table, sp) => new LedgerStore(table, sp.GetRequiredService<ShopPartition>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<ForecastingOptions>>().Value.Decay));
        AddStore(services, names.LedgerTable, (table, sp) => new GridChangeMarker(table, sp.GetRequiredService<ShopPartition>()));
        AddStore(services, names.SkuMapTable, (table, sp) => new SkuMapStore(table, sp.GetRequiredService<ShopPartition>(), sp.GetRequiredService<ChannelRegistry>(), sp.GetRequiredService<GridChangeMarker>()));
        AddStore(services, names.PushesTable, (table, sp) => new PushStore(table, sp.GetRequiredService<ShopPartition>()));
        AddStore(services, names.WatermarksTable, (table, sp) => new WatermarkStore(table, sp.GetRequiredService<ShopPartition>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<OrderPollWindows>();
        AddStore(services, names.UnmappedTable, (table, sp) => new UnmappedEventStore(table, sp.GetRequiredService<ShopPartition>(), sp.GetRequiredService<TimeProvider>()));
        AddStore(services, names.UnmappedTable, (table, sp) => new RestocksAwaitingSale(table, sp.GetRequiredService<ShopPartition>(), sp.GetRequiredService<TimeProvider>()));
        services.AddOptions<ReturnPolicy>().Configure<IConfiguration>(ReadReturnPolicy);
        services.AddSingleton<InventoryEventApplier>();
        services.AddSingleton<InventoryEventSender>();
        services.AddSingleton<ChannelPushSender>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddSingleton<ListingPusher>();
        services.AddSingleton<AlertSender>();
        services.AddSingleton<CatalogImporter>();
        AddStore(services, names.ImportsTable, (table, sp) => new ImportJobStore(table, sp.GetRequiredService<ShopPartition>()));
        services.AddSingleton<ImportFiles>();
        services.AddSingleton<CatalogImportSender>();
        services.AddSingleton<ImportJobRunner>();
        services.AddSingleton<RejectedWebhookStore>();
        services.AddSingleton<WriteUnitLocks>();
        services.AddTransient<ChannelLevelCheck>();
        services.AddSingleton<SkuStatusFunction>();
        services.AddSingleton<SkuChangeFeed>();
        services.AddSingleton<SkuGrid>();
        services.AddSingleton<SkuListFunction>();
        services.AddSingleton<StockAdminFunctions>();

        services.AddSingleton<AdminKeyFilter>();

        // Every channel module; those the seller configured are turned on.
        services.AddChannels(configuration);

        services.AddFunctionsStorage(configuration);

        // Seeing and fixing drift; lag wraps every enabled channel's connector when it is resolved.
        services.AddReconciliation().AddMappingAudit().AddLagAndTimeline(names);

        // Seeing failures: alerts pipeline, health and poison, forecasting, telemetry.
        services.AddAlerts(names);
        services.AddMonitoring(names);
        services.AddForecasting();
        services.AddFuncSyncTelemetry(configuration);

        // The seller's dashboard, the SKU list and the mappings API.
        services.AddDashboard();
        services.AddLaunches(names);
        services.AddStanding(names);
        services.AddPausing(names);
        services.AddCounting(names);
        services.AddSingleton<Margins.MarginFunctions>();
        return services;
    }

    /// <summary>Local mode's endpoints: every HTTP function on its <c>api/</c> route, non-anonymous ones behind the admin
    /// key (the Functions host checks function keys itself), and a few conveniences of a local app. Queue and timer
    /// functions get no endpoint: nothing outside the process can invoke them.</summary>
    public static WebApplication MapFuncSync(this WebApplication app)
    {
        app.MapHttpFunctions((endpoint, trigger) =>
        {
            if (trigger.AuthLevel != AuthorizationLevel.Anonymous)
            {
                endpoint.AddEndpointFilter<AdminKeyFilter>();
            }
        });

        // A readiness probe, the health check at its usual address, and a short address for the dashboard.
        app.MapGet("/", () => Results.Text("FuncSync is running."));
        app.MapGet("/" + HealthFunction.Route, (HealthFunction health, CancellationToken ct) => health.GetAsync(ct));
        app.MapGet("/dashboard", () => Results.Redirect("/api/dashboard/"));
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
}

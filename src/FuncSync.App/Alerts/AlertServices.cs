using FuncSync.Hosting;
using FuncSync.Hosting.Functions;
using FuncSync.Hosting.Storage;
using FuncSync.Skus;
using FuncSync.Storage;
using Microsoft.Extensions.Http.Resilience;

namespace FuncSync.Alerts;

/// <summary>The alerts pipeline beyond the sender every producer uses: the store, the sinks, the
/// delivery sweeper and the API.</summary>
public static class AlertServices
{
    public static IServiceCollection AddAlerts(this IServiceCollection services, FunctionsBuilder functions, IConfiguration configuration, StorageNames names)
    {
        ArgumentNullException.ThrowIfNull(functions);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(names);
        services.AddOptions<AlertOptions>().BindConfiguration(AlertOptions.Section)
            .Validate(o => o.IsValid(), "Alerts: SuppressionWindow must not be negative, RetryDelay must be positive, and sink URLs must be absolute http(s) URLs.")
            .ValidateOnStart();
        services.AddSingleton(sp => new AlertStore(sp.GetRequiredService<StorageClients>().Table(names.AlertsTable), sp.GetRequiredService<ShopPartition>()));
        services.AddSingleton<AlertDispatcher>();
        services.AddSingleton<PushFailureAlerts>();
        services.AddSingleton<AlertApiFunctions>();

        // No HttpClient logging: the default handlers write the request URI, and a sink URL is its credential.
        services.AddHttpClient<WebhookAlertSink>().RemoveAllLoggers().AddStandardResilienceHandler(ConfigureSinkResilience);
        services.AddHttpClient<SlackAlertSink>().RemoveAllLoggers().AddStandardResilienceHandler(ConfigureSinkResilience);
        services.AddTransient<IAlertSink>(sp => sp.GetRequiredService<WebhookAlertSink>());
        services.AddTransient<IAlertSink>(sp => sp.GetRequiredService<SlackAlertSink>());

        functions
            .AddTimerFunction<AlertDeliverySweepFunction>(AlertDeliverySweepFunction.Name, configuration[AlertDeliverySweepFunction.ScheduleSetting] ?? AlertOptions.DefaultSweepSchedule)
            .AddHttpFunction(AlertApiFunctions.ListName, AlertApiFunctions.ListRoute, ["get"], FunctionAuthLevel.Function)
            .AddHttpFunction(AlertApiFunctions.AcknowledgeName, AlertApiFunctions.AcknowledgeRoute, ["post"], FunctionAuthLevel.Function);
        return services;
    }

    public static WebApplication MapAlerts(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var admin = app.MapGroup("/api").AddEndpointFilter<AdminKeyFilter>();
        admin.MapGet(AlertApiFunctions.ListRoute, (string? status, AlertApiFunctions functions, CancellationToken ct) => functions.ListAsync(status, ct));
        admin.MapPost(AlertApiFunctions.AcknowledgeRoute, (string id, AlertApiFunctions functions, CancellationToken ct) => functions.AcknowledgeAsync(id, ct));
        return app;
    }

    private static void ConfigureSinkResilience(HttpStandardResilienceOptions options)
    {
        // A few quick retries (Retry-After honoured, which Slack sends with its 429); a longer outage is
        // the sweeper's, so the alerts queue is never held up for long.
        options.Retry.MaxRetryAttempts = 3;
        options.Retry.Delay = TimeSpan.FromMilliseconds(250);
        options.AttemptTimeout.Timeout = TimeSpan.FromSeconds(10);
        options.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(30);
    }
}

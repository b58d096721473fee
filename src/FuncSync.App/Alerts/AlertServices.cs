using FuncSync.Hosting.Storage;
using FuncSync.Storage;
using Microsoft.Extensions.Http.Resilience;

namespace FuncSync.Alerts;

/// <summary>The alerts pipeline beyond the sender every producer uses: the store, the sinks, the
/// delivery sweeper and the API.</summary>
public static class AlertServices
{
    public static IServiceCollection AddAlerts(this IServiceCollection services, StorageNames names)
    {
        ArgumentNullException.ThrowIfNull(names);
        services.AddOptions<AlertOptions>().BindConfiguration(AlertOptions.Section)
            .Validate(o => o.IsValid(), "Alerts: SuppressionWindow must not be negative, RetryDelay must be positive, and sink URLs must be absolute http(s) URLs.")
            .ValidateOnStart();
        services.AddSingleton(sp => new AlertStore(sp.GetRequiredService<StorageClients>().Table(names.AlertsTable), sp.GetRequiredService<ShopPartition>(), sp.GetRequiredService<GridChangeMarker>()));
        services.AddSingleton<AlertDispatcher>();
        services.AddSingleton<PushFailureAlerts>();
        services.AddSingleton<AlertApiFunctions>();

        // No HttpClient logging: the default handlers write the request URI, and a sink URL is its credential.
        services.AddHttpClient<WebhookAlertSink>().RemoveAllLoggers().AddStandardResilienceHandler(ConfigureSinkResilience);
        services.AddHttpClient<SlackAlertSink>().RemoveAllLoggers().AddStandardResilienceHandler(ConfigureSinkResilience);
        services.AddTransient<IAlertSink>(sp => sp.GetRequiredService<WebhookAlertSink>());
        services.AddTransient<IAlertSink>(sp => sp.GetRequiredService<SlackAlertSink>());

        return services;
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

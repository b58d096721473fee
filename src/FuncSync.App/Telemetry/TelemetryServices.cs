using Azure.Monitor.OpenTelemetry.Exporter;
using FuncSync.Alerts;
using FuncSync.Hosting.Queues;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace FuncSync.Telemetry;

/// <summary>OpenTelemetry: traces (FuncSync, the hosting runtime, ASP.NET Core, HttpClient) and metrics,
/// exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set and to Application Insights when
/// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set; logs go to the same places. With neither, traces
/// are still recorded in-process (W3C context flows through the queues) and nothing is exported.</summary>
public static class TelemetryServices
{
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string AppInsightsSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    public static IServiceCollection AddFuncSyncTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var otlp = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]);
        var appInsights = configuration[AppInsightsSetting] is { Length: > 0 } connection ? connection : null;

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(FuncSyncTelemetry.Name))
            .WithTracing(tracing =>
            {
                tracing
                    .AddSource(FuncSyncTelemetry.Name, QueueTrace.SourceName)
                    .AddAspNetCoreInstrumentation(options => options.Filter = context => !context.Request.Path.StartsWithSegments("/healthz", StringComparison.Ordinal) && !context.Request.Path.StartsWithSegments("/api/healthz", StringComparison.Ordinal))

                    // A sink's URL is its credential: its requests stay out of traces.
                    .AddHttpClientInstrumentation(options => options.FilterHttpRequestMessage = request => !AlertSinkRequests.IsSinkRequest(request));
                if (otlp)
                {
                    tracing.AddOtlpExporter();
                }

                if (appInsights is not null)
                {
                    tracing.AddAzureMonitorTraceExporter(options => options.ConnectionString = appInsights);
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(FuncSyncTelemetry.Name).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }

                if (appInsights is not null)
                {
                    metrics.AddAzureMonitorMetricExporter(options => options.ConnectionString = appInsights);
                }
            });

        if (otlp || appInsights is not null)
        {
            telemetry.WithLogging(
                logging =>
                {
                    if (otlp)
                    {
                        logging.AddOtlpExporter();
                    }

                    if (appInsights is not null)
                    {
                        logging.AddAzureMonitorLogExporter(options => options.ConnectionString = appInsights);
                    }
                },
                options => options.IncludeFormattedMessage = true);
        }

        return services;
    }
}

using FuncSync.Hosting.Functions;
using FuncSync.Hosting.Invocation;
using FuncSync.Hosting.Queues;
using FuncSync.Hosting.Storage;
using FuncSync.Hosting.Timers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace FuncSync.Hosting;

public static class FunctionsHostingExtensions
{
    public const string StorageConnectionKey = "AzureWebJobsStorage";

    /// <summary>Registers the time provider, storage clients from <c>AzureWebJobsStorage</c> (a connection string, or
    /// <c>AzureWebJobsStorage__accountName</c> for a managed identity), <see cref="IQueueSender"/>,
    /// the function catalog and, when no Functions host drives the triggers (see
    /// <see cref="FunctionsHostEnvironment.ShouldRunTriggers(IConfiguration)"/>), a listener or timer per declared function.</summary>
    public static FunctionsBuilder AddFunctionsHosting(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        var existing = services.FirstOrDefault(d => d.ServiceType == typeof(FunctionCatalog))?.ImplementationInstance;
        if (existing is not null)
        {
            throw new InvalidOperationException($"{nameof(AddFunctionsHosting)} was already called.");
        }

        var catalog = new FunctionCatalog();
        services.AddSingleton(catalog);
        services.AddSingleton<IFunctionCatalog>(catalog);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => StorageClients.FromConfiguration(configuration, StorageConnectionKey));
        services.TryAddSingleton<QueueWatcher>();
        services.TryAddSingleton<IQueueSender, QueueSender>();
        services.TryAddSingleton(_ => QueueListenerOptions.FromConfiguration(configuration));
        services.TryAddSingleton(_ => TimerListenerOptions.FromConfiguration(configuration));
        services.AddGracefulShutdown();

        var describeOnly = FunctionsHostEnvironment.IsDescribeOnly(configuration);
        return new FunctionsBuilder(services, configuration, catalog, runTriggers: !describeOnly && FunctionsHostEnvironment.ShouldRunTriggers(configuration), describeOnly);
    }

    /// <summary>Maps <c>POST /{FunctionName}</c>, the custom-handler invocation endpoint the Functions host calls
    /// for queue and timer functions. Unknown names answer 404 with a JSON body.</summary>
    public static IEndpointRouteBuilder MapFunctionInvocations(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapPost(
            "/{functionName}",
            (string functionName, HttpContext context, FunctionCatalog catalog, ILoggerFactory loggerFactory) =>
                InvocationEndpoint.InvokeAsync(functionName, context, catalog, loggerFactory));
        return endpoints;
    }
}

using System.Reflection;
using FuncSync.Hosting.Functions;
using FuncSync.Hosting.Queues;
using FuncSync.Hosting.Storage;
using FuncSync.Hosting.Timers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FuncSync.Hosting;

public static class FunctionsHostingExtensions
{
    public const string StorageConnectionKey = "AzureWebJobsStorage";

    /// <summary>Local mode only: false serves the HTTP functions but runs no queue listener or timer (an instance that
    /// only observes, e.g. beside another that does the work). Default true.</summary>
    public const string RunTriggersKey = "FuncSync:RunTriggers";

    /// <summary>Registers what functions use in both run modes: the time provider, storage clients from
    /// <c>AzureWebJobsStorage</c> (a connection string, or <c>AzureWebJobsStorage__accountName</c> for a managed
    /// identity) and <see cref="IQueueSender"/>.</summary>
    public static IServiceCollection AddFunctionsStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => StorageClients.FromConfiguration(configuration, StorageConnectionKey));
        services.TryAddSingleton<QueueWatcher>();
        services.TryAddSingleton<IQueueSender, QueueSender>();
        return services;
    }

    /// <summary>Local mode: reads the <c>[Function]</c> methods of <paramref name="functions"/> and starts a queue
    /// listener per queue trigger and a timer per timer trigger, with host.json's queue settings. HTTP functions
    /// are mapped by <see cref="HttpFunctionEndpoints.MapHttpFunctions"/>. A function turned off by
    /// <see cref="FunctionSwitches"/> is left out of all three.</summary>
    /// <param name="queueName">Maps a trigger's queue name to the queue this instance uses (e.g. adds a prefix).</param>
    public static IServiceCollection AddLocalFunctions(this IServiceCollection services, IConfiguration configuration, Assembly functions, Func<string, string> queueName)
    {
        ArgumentNullException.ThrowIfNull(functions);
        return services.AddLocalFunctions(configuration, FunctionIndex.Read(functions), queueName);
    }

    public static IServiceCollection AddLocalFunctions(this IServiceCollection services, IConfiguration configuration, IReadOnlyList<FunctionMetadata> functions, Func<string, string> queueName)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(functions);
        ArgumentNullException.ThrowIfNull(queueName);
        if (services.Any(d => d.ServiceType == typeof(IFunctionCatalog)))
        {
            throw new InvalidOperationException($"{nameof(AddLocalFunctions)} was already called.");
        }

        services.AddFunctionsStorage(configuration);
        functions = [.. functions.Where(f => !FunctionSwitches.IsDisabled(f.Name, configuration))];
        services.AddSingleton<IFunctionCatalog>(new FunctionCatalog(functions));
        services.TryAddSingleton(_ => QueueListenerOptions.FromConfiguration(configuration));
        services.TryAddSingleton<QueueFailureLog>();
        services.TryAddSingleton(_ => TimerListenerOptions.FromConfiguration(configuration));
        services.AddGracefulShutdown();
        var runTriggers = configuration[RunTriggersKey] is not { Length: > 0 } run
            || (bool.TryParse(run, out var parsed) ? parsed : throw new InvalidOperationException($"Configuration value '{RunTriggersKey}' must be true or false."));
        foreach (var function in functions.Where(_ => runTriggers))
        {
            switch (function.Trigger)
            {
                case QueueFunctionTrigger queue:
                    var resolvedQueue = queueName(SettingReferences.Resolve(queue.QueueName, configuration));
                    services.AddSingleton<IHostedService>(sp => new QueueListener(
                        function,
                        resolvedQueue,
                        sp.GetRequiredService<StorageClients>(),
                        sp.GetRequiredService<QueueWatcher>(),
                        sp.GetRequiredService<QueueListenerOptions>(),
                        sp.GetRequiredService<QueueFailureLog>(),
                        sp.GetRequiredService<IServiceScopeFactory>(),
                        sp.GetRequiredService<TimeProvider>(),
                        sp.GetRequiredService<ILogger<QueueListener>>()));
                    break;
                case TimerFunctionTrigger timer:
                    // Parsed now, so a bad expression fails at start-up, not at the first tick.
                    var schedule = TimerSchedule.Parse(SettingReferences.Resolve(timer.Schedule, configuration));
                    services.AddSingleton<IHostedService>(sp => new TimerListener(
                        function,
                        schedule,
                        sp.GetRequiredService<StorageClients>(),
                        sp.GetRequiredService<TimerListenerOptions>(),
                        sp.GetRequiredService<IServiceScopeFactory>(),
                        sp.GetRequiredService<TimeProvider>(),
                        sp.GetRequiredService<ILogger<TimerListener>>()));
                    break;
            }
        }

        return services;
    }
}

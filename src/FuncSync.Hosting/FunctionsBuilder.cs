using System.Text.RegularExpressions;
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

/// <summary>Declares functions once: each declaration feeds the catalog (for <c>function.json</c> and the
/// invocation endpoint) and, when this process runs triggers itself, starts its listener or timer.</summary>
public sealed partial class FunctionsBuilder
{
    private readonly FunctionCatalog _catalog;
    private readonly IConfiguration _configuration;
    private readonly bool _describeOnly;

    internal FunctionsBuilder(IServiceCollection services, IConfiguration configuration, FunctionCatalog catalog, bool runTriggers, bool describeOnly = false)
    {
        Services = services;
        _configuration = configuration;
        _catalog = catalog;
        RunTriggers = runTriggers;
        _describeOnly = describeOnly;
    }

    public IServiceCollection Services { get; }

    /// <summary>True when queue listeners and timers run in this process rather than in a Functions host.</summary>
    public bool RunTriggers { get; }

    /// <summary>Registers <typeparamref name="TFunction"/> (scoped) as the handler for <paramref name="queueName"/>,
    /// which may be a <c>%Setting%</c> reference.</summary>
    public FunctionsBuilder AddQueueFunction<TFunction>(string name, string queueName)
        where TFunction : class, IQueueFunction
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(queueName);
        var function = new FunctionMetadata(ValidateName(name), new QueueFunctionTrigger(queueName), typeof(TFunction));
        _catalog.Add(function);
        Services.TryAddScoped<TFunction>();

        if (RunTriggers)
        {
            var resolvedQueue = SettingReferences.Resolve(queueName, _configuration);
            Services.AddSingleton<IHostedService>(sp => new QueueListener(
                function,
                resolvedQueue,
                sp.GetRequiredService<StorageClients>(),
                sp.GetRequiredService<QueueWatcher>(),
                sp.GetRequiredService<QueueListenerOptions>(),
                sp.GetRequiredService<IServiceScopeFactory>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<QueueListener>>()));
        }

        return this;
    }

    /// <summary>Registers <typeparamref name="TFunction"/> (scoped) on a six-field NCRONTAB schedule in UTC,
    /// which may be a <c>%Setting%</c> reference.</summary>
    public FunctionsBuilder AddTimerFunction<TFunction>(string name, string schedule, bool runOnStartup = false)
        where TFunction : class, ITimerFunction
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(schedule);

        // Parse now so a bad expression fails at start-up in both run modes, not at the first tick. Only
        // describing the functions (for function.json) needs no value behind a %Setting% reference.
        var parsed = _describeOnly && SettingReferences.IsReference(schedule)
            ? null
            : TimerSchedule.Parse(SettingReferences.Resolve(schedule, _configuration));
        var function = new FunctionMetadata(ValidateName(name), new TimerFunctionTrigger(schedule, runOnStartup), typeof(TFunction));
        _catalog.Add(function);
        Services.TryAddScoped<TFunction>();

        if (RunTriggers)
        {
            Services.AddSingleton<IHostedService>(sp => new TimerListener(
                function,
                parsed!,
                sp.GetRequiredService<StorageClients>(),
                sp.GetRequiredService<TimerListenerOptions>(),
                sp.GetRequiredService<IServiceScopeFactory>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<TimerListener>>()));
        }

        return this;
    }

    /// <summary>Declares an HTTP function for <c>function.json</c> only; the app maps its endpoint itself.</summary>
    public FunctionsBuilder AddHttpFunction(string name, string route, IReadOnlyList<string> methods, FunctionAuthLevel authLevel)
    {
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(methods);
        if (methods.Count == 0)
        {
            throw new ArgumentException("An HTTP function needs at least one method.", nameof(methods));
        }

        _catalog.Add(new FunctionMetadata(ValidateName(name), new HttpFunctionTrigger(route.TrimStart('/'), methods, authLevel), null));
        return this;
    }

    // The name is a folder on the host and the invocation path, so keep it to safe characters.
    private static string ValidateName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return FunctionName().IsMatch(name)
            ? name
            : throw new ArgumentException($"Function name '{name}' must start with a letter and contain only letters, digits, '_' or '-'.", nameof(name));
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]{0,127}$")]
    private static partial Regex FunctionName();
}

using System.Collections.Concurrent;
using FuncSync.Hosting.Functions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FuncSync.Hosting.Tests.Infrastructure;

internal static class TestNames
{
    /// <summary>A fresh lowercase name that is valid for queues, containers and tables' purposes here.</summary>
    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 17, 50)];
}

/// <summary>Records what functions received, shared between the test and the scoped function instances.</summary>
internal sealed class Probe
{
    private int _running;
    private int _maxConcurrent;

    public ConcurrentQueue<QueueTriggerMessage> Messages { get; } = new();

    public ConcurrentQueue<TimerTriggerInfo> Timers { get; } = new();

    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool UseGate { get; set; }

    public bool Throw { get; set; }

    public int MaxConcurrent => Volatile.Read(ref _maxConcurrent);

    public async Task RunAsync(Action record)
    {
        var running = Interlocked.Increment(ref _running);
        InterlockedMax(ref _maxConcurrent, running);
        try
        {
            record();
            if (UseGate)
            {
                await Gate.Task;
            }

            if (Throw)
            {
                throw new InvalidOperationException("The test function failed on purpose.");
            }
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}

internal sealed class RecordingQueueFunction(Probe probe) : IQueueFunction
{
    public Task RunAsync(QueueTriggerMessage message, CancellationToken cancellationToken) =>
        probe.RunAsync(() => probe.Messages.Enqueue(message));
}

internal sealed class RecordingTimerFunction(Probe probe) : ITimerFunction
{
    public Task RunAsync(TimerTriggerInfo timer, CancellationToken cancellationToken) =>
        probe.RunAsync(() => probe.Timers.Enqueue(timer));
}

/// <summary>A service provider wired exactly as the app wires it, with the hosted services started by hand.</summary>
internal sealed class TestHost : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly List<IHostedService> _started = [];

    private TestHost(ServiceProvider provider, Probe probe)
    {
        _provider = provider;
        Probe = probe;
    }

    public Probe Probe { get; }

    public IServiceProvider Services => _provider;

    public IEnumerable<T> HostedServices<T>() => _provider.GetServices<IHostedService>().OfType<T>();

    public static TestHost Create(
        string connectionString,
        Action<FunctionsBuilder> functions,
        IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null,
        Probe? probe = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = connectionString,
            [FunctionsHostEnvironment.RunTriggersKey] = "true",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var collection = new ServiceCollection();
        collection.AddLogging();
        probe ??= new Probe();
        collection.AddSingleton(probe);
        services?.Invoke(collection);
        functions(collection.AddFunctionsHosting(configuration));
        return new TestHost(collection.BuildServiceProvider(), probe);
    }

    public async Task StartAsync()
    {
        foreach (var service in _provider.GetServices<IHostedService>())
        {
            await service.StartAsync(CancellationToken.None);
            _started.Add(service);
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10), TimeProvider.System);
        foreach (var service in _started)
        {
            await service.StopAsync(timeout.Token);
        }

        await _provider.DisposeAsync();
    }
}

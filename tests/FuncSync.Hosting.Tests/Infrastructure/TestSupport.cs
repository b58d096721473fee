using System.Collections.Concurrent;
using FuncSync.Hosting.Functions;
using Microsoft.Azure.Functions.Worker;
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
public sealed class Probe
{
    private int _running;
    private int _maxConcurrent;
    private int _throwsLeft;

    public ConcurrentQueue<QueueTriggerMessage> Messages { get; } = new();

    public ConcurrentQueue<TimerTriggerInfo> Timers { get; } = new();

    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool UseGate { get; set; }

    public bool Throw { get; set; }

    /// <summary>Fail this many invocations, then succeed.</summary>
    public int ThrowTimes
    {
        get => Volatile.Read(ref _throwsLeft);
        set => Volatile.Write(ref _throwsLeft, value);
    }

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

            if (Throw || Interlocked.Decrement(ref _throwsLeft) >= 0)
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

/// <summary>A queue function as the app writes one; the tests give it their own queue (see <see cref="TestFunctions"/>).</summary>
public sealed class RecordingQueueFunction(Probe probe)
{
    public Task RunAsync([QueueTrigger("test")] string message, string id, long dequeueCount, DateTimeOffset? insertionTime, CancellationToken cancellationToken) =>
        probe.RunAsync(() => probe.Messages.Enqueue(new QueueTriggerMessage(id, message, dequeueCount, insertionTime)));
}

public sealed class RecordingTimerFunction(Probe probe)
{
    public Task RunAsync([TimerTrigger("* * * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        probe.RunAsync(() => probe.Timers.Enqueue(new TimerTriggerInfo(timer.IsPastDue, Utc(timer.ScheduleStatus?.Last), Utc(timer.ScheduleStatus?.Next))));

    private static DateTimeOffset? Utc(DateTime? value) => value is { } v && v != default ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;
}

/// <summary>Declares test functions on per-test queues and schedules: the metadata the attributes would give, with the
/// trigger's queue or schedule set by the test.</summary>
internal sealed class TestFunctions
{
    public List<FunctionMetadata> Functions { get; } = [];

    public TestFunctions AddQueueFunction<T>(string name, string queueName)
    {
        Functions.Add(new FunctionMetadata(name, new QueueFunctionTrigger(queueName, null), typeof(T).GetMethod("RunAsync")!));
        return this;
    }

    public TestFunctions AddTimerFunction<T>(string name, string schedule, bool runOnStartup = false)
    {
        Functions.Add(new FunctionMetadata(name, new TimerFunctionTrigger(schedule, runOnStartup), typeof(T).GetMethod("RunAsync")!));
        return this;
    }
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
        Action<TestFunctions> functions,
        IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null,
        Probe? probe = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = connectionString,
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
        var declared = new TestFunctions();
        functions(declared);
        collection.AddLocalFunctions(configuration, declared.Functions, queue => queue);
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

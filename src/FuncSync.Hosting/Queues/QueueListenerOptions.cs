using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace FuncSync.Hosting.Queues;

/// <summary>The host.json <c>extensions.queues</c> settings, with the Functions host's defaults.</summary>
internal sealed class QueueListenerOptions
{
    public const string SectionName = HostJsonConfigurationExtensions.SectionName + ":extensions:queues";

    public static readonly TimeSpan MinimumPollingInterval = TimeSpan.FromMilliseconds(100);

    public int BatchSize { get; init; } = 16;

    /// <summary>A new batch is fetched once in-flight messages drop to this number or below.</summary>
    public int NewBatchThreshold { get; init; } = 16 / 2 * Environment.ProcessorCount;

    public TimeSpan MaxPollingInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a failed message stays invisible before its retry.</summary>
    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.Zero;

    /// <summary>How many failed invocations poison a message (the host counts dequeues; see <see cref="QueueListener"/>).</summary>
    public int MaxDequeueCount { get; init; } = 5;

    /// <summary>Dequeues after which a message that never recorded enough failures is poisoned anyway: one whose
    /// processing kills the process never gets to record its failure. Far above what kills and restarts cost an
    /// innocent message (each costs one dequeue).</summary>
    public int MaxDequeueCountWithoutFailure => MaxDequeueCount * 4;

    /// <summary>How long a receive hides its messages; renewed at half while the function runs. The host hard-codes
    /// 10 minutes. Here it bounds what a receive whose answer was lost costs: when storage hangs, the receive times out
    /// on our side but still lands when storage answers again, and the messages it took stay hidden, unprocessed, for this
    /// long (so do those whose delete the hang cut off, and a killed process's). Settable so tests can observe a renewal.</summary>
    public TimeSpan ReceiveVisibilityTimeout { get; init; } = DefaultReceiveVisibilityTimeout;

    public static readonly TimeSpan DefaultReceiveVisibilityTimeout = TimeSpan.FromMinutes(1);

    public static QueueListenerOptions FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var batchSize = ReadInt(section, "batchSize") ?? 16;
        var options = new QueueListenerOptions
        {
            BatchSize = batchSize,
            NewBatchThreshold = ReadInt(section, "newBatchThreshold") ?? batchSize / 2 * Environment.ProcessorCount,
            MaxPollingInterval = ReadTimeSpan(section, "maxPollingInterval") ?? TimeSpan.FromMinutes(1),
            VisibilityTimeout = ReadTimeSpan(section, "visibilityTimeout") ?? TimeSpan.Zero,
            MaxDequeueCount = ReadInt(section, "maxDequeueCount") ?? 5,

            // Not a host.json setting: the host hard-codes it. Crash tests shorten it so a killed
            // instance's messages come back in seconds rather than a minute.
            ReceiveVisibilityTimeout = ReadTimeSpan(configuration.GetSection("FuncSync:Queues"), "receiveVisibilityTimeout") ?? DefaultReceiveVisibilityTimeout,
        };
        options.Validate();
        return options;
    }

    public void Validate()
    {
        // Same ranges the host enforces; the service returns at most 32 messages per Get Messages.
        if (BatchSize is < 1 or > 32)
        {
            throw new InvalidOperationException($"{SectionName}:batchSize must be between 1 and 32 (was {BatchSize}).");
        }

        if (NewBatchThreshold < 0)
        {
            throw new InvalidOperationException($"{SectionName}:newBatchThreshold must not be negative.");
        }

        if (MaxPollingInterval < MinimumPollingInterval)
        {
            throw new InvalidOperationException($"{SectionName}:maxPollingInterval must be at least 100 ms.");
        }

        if (VisibilityTimeout < TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{SectionName}:visibilityTimeout must not be negative.");
        }

        if (MaxDequeueCount < 1)
        {
            throw new InvalidOperationException($"{SectionName}:maxDequeueCount must be at least 1.");
        }
    }

    private static int? ReadInt(IConfigurationSection section, string key)
    {
        var value = section[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var result)
            ? result
            : throw new InvalidOperationException($"{SectionName}:{key} must be an integer (was '{value}').");
    }

    private static TimeSpan? ReadTimeSpan(IConfigurationSection section, string key)
    {
        var value = section[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var result)
            ? result
            : throw new InvalidOperationException($"{SectionName}:{key} must be a time span such as 00:01:00 (was '{value}').");
    }
}

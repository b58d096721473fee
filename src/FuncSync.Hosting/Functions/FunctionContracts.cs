namespace FuncSync.Hosting.Functions;

/// <summary>A queue-triggered function. Throw to fail the invocation: the message is released
/// and retried, and moved to <c>{queue}-poison</c> once it has been dequeued 5 times.</summary>
public interface IQueueFunction
{
    Task RunAsync(QueueTriggerMessage message, CancellationToken cancellationToken);
}

/// <summary>The trigger value and the binding data the Functions host passes for a queue message.</summary>
/// <param name="Body">The message text, already Base64-decoded.</param>
public sealed record QueueTriggerMessage(string Id, string Body, long DequeueCount, DateTimeOffset? InsertedOn);

/// <summary>A timer-triggered function. Never retried on failure; runs again at the next occurrence.</summary>
public interface ITimerFunction
{
    Task RunAsync(TimerTriggerInfo timer, CancellationToken cancellationToken);
}

/// <summary>The host's <c>TimerInfo</c>: whether this run is past due, and the schedule status.</summary>
public sealed record TimerTriggerInfo(bool IsPastDue, DateTimeOffset? Last, DateTimeOffset? Next);

/// <summary>Sends a message to a storage queue the way the Functions host expects it (Base64), and
/// wakes this instance's listener on that queue so a local hop costs no polling delay.</summary>
public interface IQueueSender
{
    Task SendAsync(string queueName, string message, CancellationToken cancellationToken);
}

public enum FunctionAuthLevel
{
    Anonymous,
    Function,
    Admin,
}

public abstract record FunctionTrigger;

/// <param name="Route">Route below the <c>api/</c> prefix, e.g. <c>webhooks/shopify</c>.</param>
public sealed record HttpFunctionTrigger(string Route, IReadOnlyList<string> Methods, FunctionAuthLevel AuthLevel) : FunctionTrigger;

/// <param name="QueueName">The queue, or an app-setting reference such as <c>%EventsQueue%</c> resolved from configuration.</param>
public sealed record QueueFunctionTrigger(string QueueName, string Connection = "AzureWebJobsStorage") : FunctionTrigger;

/// <param name="Schedule">Six-field NCRONTAB in UTC, or an app-setting reference such as <c>%EtsyPollSchedule%</c>.</param>
public sealed record TimerFunctionTrigger(string Schedule, bool RunOnStartup = false, bool UseMonitor = true) : FunctionTrigger;

/// <summary>One function, declared once in code: the self-hosted driver starts its trigger from this,
/// and the publish step writes its <c>function.json</c> from this.</summary>
/// <param name="HandlerType">The <see cref="IQueueFunction"/> or <see cref="ITimerFunction"/>; null for HTTP functions, whose endpoints the app maps itself.</param>
public sealed record FunctionMetadata(string Name, FunctionTrigger Trigger, Type? HandlerType);

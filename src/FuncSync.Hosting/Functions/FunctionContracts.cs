using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace FuncSync.Hosting.Functions;

/// <summary>What the local runtime passes a queue function: the trigger value and the host's binding data.</summary>
/// <param name="Body">The message text, already Base64-decoded.</param>
public sealed record QueueTriggerMessage(string Id, string Body, long DequeueCount, DateTimeOffset? InsertedOn);

/// <summary>What the local runtime knows of a timer occurrence; handed to the function as the worker's <see cref="TimerInfo"/>.</summary>
public sealed record TimerTriggerInfo(bool IsPastDue, DateTimeOffset? Last, DateTimeOffset? Next);

/// <summary>Sends a message to a storage queue the way the Functions host expects it (Base64), and
/// wakes this instance's listener on that queue so a local hop costs no polling delay.</summary>
public interface IQueueSender
{
    Task SendAsync(string queueName, string message, CancellationToken cancellationToken);
}

public abstract record FunctionTrigger;

/// <param name="Route">Route below the <c>api/</c> prefix, e.g. <c>webhooks/shopify</c>.</param>
/// <param name="Methods">Lower-case HTTP methods; empty means any.</param>
public sealed record HttpFunctionTrigger(string Route, IReadOnlyList<string> Methods, AuthorizationLevel AuthLevel) : FunctionTrigger;

/// <param name="QueueName">The queue, or an app-setting reference such as <c>%EventsQueue%</c>.</param>
public sealed record QueueFunctionTrigger(string QueueName, string? Connection = null) : FunctionTrigger;

/// <param name="Schedule">Six-field NCRONTAB in UTC, or an app-setting reference such as <c>%Etsy:PollSchedule%</c>.</param>
public sealed record TimerFunctionTrigger(string Schedule, bool RunOnStartup = false, bool UseMonitor = true) : FunctionTrigger;

/// <summary>One <c>[Function]</c> method as its attributes declare it: what the Worker SDK writes into
/// <c>functions.metadata</c> for the Functions host, and what the local runtime serves.</summary>
public sealed record FunctionMetadata(string Name, FunctionTrigger Trigger, MethodInfo Method);

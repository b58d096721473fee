using System.Diagnostics;

namespace FuncSync.Hosting.Queues;

/// <summary>W3C trace context across queue hops, so one trace runs from a webhook to every push. The
/// sender writes the current <c>traceparent</c> as the first property of a JSON object message (JSON
/// readers ignore a property they do not know, and a message that is not a JSON object is sent as it
/// is); the runtime starts each invocation's activity as its child, here or under the Functions host.</summary>
public static class QueueTrace
{
    public const string SourceName = "FuncSync.Hosting";

    // {"traceparent":"00-<32 hex>-<16 hex>-<2 hex>",
    private const string Prefix = "{\"traceparent\":\"";
    private const int TraceParentLength = 55;

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Adds (or replaces) the <c>traceparent</c> of <paramref name="context"/> in a JSON object message.</summary>
    public static string Inject(string message, Activity? context)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (context is null || context.IdFormat != ActivityIdFormat.W3C || context.Id is not { Length: TraceParentLength } traceParent)
        {
            return message;
        }

        var rest = message.AsSpan().TrimStart();
        if (rest.StartsWith(Prefix, StringComparison.Ordinal) && rest.Length > Prefix.Length + TraceParentLength + 1)
        {
            // Re-sent (a re-drive, a re-enqueued push): the trace is the sender's now.
            return string.Concat(Prefix, traceParent, rest[(Prefix.Length + TraceParentLength)..]);
        }

        if (rest.Length < 2 || rest[0] != '{')
        {
            return message;
        }

        var body = rest[1..].TrimStart();
        return body.Length > 0 && body[0] == '}'
            ? string.Concat(Prefix, traceParent, "\"}")
            : string.Concat(Prefix, traceParent, "\",", rest[1..]);
    }

    /// <summary>The trace context a message carries, if it carries one.</summary>
    public static ActivityContext? Extract(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var rest = message.AsSpan().TrimStart();
        if (!rest.StartsWith(Prefix, StringComparison.Ordinal) || rest.Length < Prefix.Length + TraceParentLength + 1)
        {
            return null;
        }

        var traceParent = rest.Slice(Prefix.Length, TraceParentLength).ToString();
        return ActivityContext.TryParse(traceParent, null, isRemote: true, out var context) ? context : null;
    }

    /// <summary>The activity one queue-triggered invocation runs under, a child of the sender's.</summary>
    public static Activity? StartInvocation(string functionName, string queueName, string messageId, long dequeueCount, string body)
    {
        var parent = Extract(body) ?? default;
        var activity = Source.StartActivity(functionName, ActivityKind.Consumer, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "azure_queue_storage");
            activity.SetTag("messaging.destination.name", queueName);
            activity.SetTag("messaging.message.id", messageId);
            activity.SetTag("messaging.message.delivery_count", dequeueCount);
            activity.SetTag("faas.name", functionName);
        }

        return activity;
    }
}

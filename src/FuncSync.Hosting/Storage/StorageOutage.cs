using Azure;

namespace FuncSync.Hosting.Storage;

/// <summary>Tells a storage account that is down or unreachable from a request that is wrong. An outage is a condition
/// to wait out (the sender retries, the message reappears), worth one log line, not a stack trace per request.</summary>
public static class StorageOutage
{
    /// <summary>What an HTTP function answers while storage is out: senders that honour it come back then.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(10);

    /// <summary>True for a storage call that never got an answer, or got a server error: no connection, a reset, a
    /// timeout, a 5xx, or the SDK giving up after retrying those.</summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        RequestFailedException failed => failed.Status is 0 or >= 500 || failed.InnerException is HttpRequestException or System.Net.Sockets.SocketException,

        // The SDK's "Retry failed after N tries": every try failed for want of storage (a try cut off by its network timeout
        // shows as a cancellation), and at least one of them was a storage call.
        AggregateException aggregate => aggregate.InnerExceptions.Any(e => e is RequestFailedException)
            && aggregate.InnerExceptions.All(e => e is OperationCanceledException or TimeoutException || IsUnavailable(e)),
        _ => false,
    };
}

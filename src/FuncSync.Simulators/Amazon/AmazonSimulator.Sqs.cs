using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FuncSync.Simulators.Hosting;
using Microsoft.AspNetCore.Http;

namespace FuncSync.Simulators.Amazon;

/// <summary>The notifications destination: an SQS queue speaking the AWS JSON 1.0 protocol the AWS SDK for .NET uses
/// (<c>POST /</c>, <c>X-Amz-Target: AmazonSQS.&lt;Action&gt;</c>, <c>application/x-amz-json-1.0</c>). ReceiveMessage
/// hides what it hands out for the visibility timeout and long-polls up to <c>WaitTimeSeconds</c>; DeleteMessage takes
/// the latest receipt handle; ChangeMessageVisibility moves the timeout. A message never deleted comes back.</summary>
public sealed partial class AmazonSimulator
{
    private const string JsonContentType = "application/x-amz-json-1.0";
    private readonly List<AmazonQueueMessage> _queue = [];
    private TaskCompletionSource _received = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _deleted;

    /// <summary>Messages on the queue, received or not, until deleted.</summary>
    public int QueueDepth
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Messages deleted so far.</summary>
    public int Deleted => Volatile.Read(ref _deleted);

    /// <summary>How often the message carrying the order's notification was received (0 when it is gone or never sent).</summary>
    public int ReceiveCountOf(string orderId)
    {
        lock (_gate)
        {
            return _queue.Where(m => m.Body.Contains(orderId, StringComparison.Ordinal)).Sum(m => m.ReceiveCount);
        }
    }

    /// <summary>Puts a raw message on the queue (a malformed one, another notification type).</summary>
    public void EnqueueRaw(string body)
    {
        lock (_gate)
        {
            Enqueue(body, _time.GetUtcNow());
        }
    }

    /// <summary>Callers hold the lock.</summary>
    private void Enqueue(string body, DateTimeOffset now)
    {
        _queue.Add(new AmazonQueueMessage(_ids.NextGuid().ToString(), body, now));
        _received.TrySetResult();
        _received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private async Task SqsAsync(HttpContext context)
    {
        var target = context.Request.Headers["X-Amz-Target"].ToString();
        if (!context.Request.Headers.Authorization.ToString().Contains("Credential=" + Options.AwsAccessKeyId + "/", StringComparison.Ordinal))
        {
            await SqsErrorAsync(context, 400, "com.amazon.coral.service#UnrecognizedClientException", "The security token included in the request is invalid.");
            return;
        }

        var body = await SimulatorJson.TryReadAsync(context.Request, context.RequestAborted) as JsonObject;
        if (body is null)
        {
            await SqsErrorAsync(context, 400, "com.amazon.coral.service#SerializationException", "The body is not a JSON object.");
            return;
        }

        if (Text(body[nameof(QueueUrl)]) is not { } url || !url.EndsWith("/" + Options.AwsAccountId + "/" + Options.QueueName, StringComparison.Ordinal))
        {
            await SqsErrorAsync(context, 400, "com.amazonaws.sqs#QueueDoesNotExist", "The specified queue does not exist.");
            return;
        }

        switch (target)
        {
            case "AmazonSQS.ReceiveMessage":
                await ReceiveAsync(context, body);
                break;
            case "AmazonSQS.DeleteMessage":
                await ChangeAsync(context, body, delete: true);
                break;
            case "AmazonSQS.ChangeMessageVisibility":
                await ChangeAsync(context, body, delete: false);
                break;
            default:
                await SqsErrorAsync(context, 400, "com.amazonaws.sqs#UnsupportedOperation", $"{target} is not served by the simulator.");
                break;
        }
    }

    private async Task ReceiveAsync(HttpContext context, JsonObject body)
    {
        var max = Math.Clamp((int?)body["MaxNumberOfMessages"] ?? 1, 1, 10);
        var wait = TimeSpan.FromSeconds(Math.Clamp((int?)body["WaitTimeSeconds"] ?? 0, 0, 20));
        var visibility = (int?)body["VisibilityTimeout"] is { } seconds ? TimeSpan.FromSeconds(seconds) : Options.QueueVisibilityTimeout;
        var deadline = _time.GetUtcNow() + wait;
        while (true)
        {
            Task signal;
            List<JsonNode?> messages;
            lock (_gate)
            {
                var now = _time.GetUtcNow();
                messages = [];
                foreach (var message in _queue.Where(m => m.InvisibleUntil <= now).Take(max))
                {
                    message.ReceiptHandle = _ids.NextGuid().ToString("N") + message.MessageId;
                    message.InvisibleUntil = now + visibility;
                    message.ReceiveCount++;
                    messages.Add(new JsonObject
                    {
                        ["MessageId"] = message.MessageId,
                        ["ReceiptHandle"] = message.ReceiptHandle,
                        ["MD5OfBody"] = Md5(message.Body),
                        ["Body"] = message.Body,
                        ["Attributes"] = new JsonObject
                        {
                            ["ApproximateReceiveCount"] = message.ReceiveCount.ToString(CultureInfo.InvariantCulture),
                            ["SentTimestamp"] = message.SentAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
                        },
                    });
                }

                signal = _received.Task;
            }

            var left = deadline - _time.GetUtcNow();
            if (messages.Count > 0 || left <= TimeSpan.Zero)
            {
                await SqsWriteAsync(context, messages.Count == 0 ? new JsonObject() : new JsonObject { ["Messages"] = new JsonArray([.. messages]) });
                return;
            }

            // Long polling: wake on a new message, or look again shortly (a received message's visibility may lapse).
            var step = left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200);
            await Task.WhenAny(signal, Task.Delay(step, _time, context.RequestAborted));
            context.RequestAborted.ThrowIfCancellationRequested();
        }
    }

    private async Task ChangeAsync(HttpContext context, JsonObject body, bool delete)
    {
        var handle = Text(body["ReceiptHandle"]);
        bool found;
        lock (_gate)
        {
            var message = _queue.FirstOrDefault(m => handle is not null && m.ReceiptHandle == handle);
            found = message is not null;
            if (message is not null && delete)
            {
                _queue.Remove(message);
                Interlocked.Increment(ref _deleted);
            }
            else if (message is not null)
            {
                message.InvisibleUntil = _time.GetUtcNow() + TimeSpan.FromSeconds((int?)body["VisibilityTimeout"] ?? 0);
            }
        }

        await (found
            ? SqsWriteAsync(context, new JsonObject())
            : SqsErrorAsync(context, 400, "com.amazonaws.sqs#ReceiptHandleIsInvalid", $"The input receipt handle \"{handle}\" is not a valid receipt handle."));
    }

    // The SQS protocol's own checksum of the body, which the SDK verifies; not a security measure.
#pragma warning disable CA5351
    private static string Md5(string body) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(body)));
#pragma warning restore CA5351

    private static Task SqsWriteAsync(HttpContext context, JsonObject body)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = JsonContentType;
        return context.Response.WriteAsync(SimulatorJson.ToJson(body), context.RequestAborted);
    }

    private static Task SqsErrorAsync(HttpContext context, int status, string type, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = JsonContentType;
        return context.Response.WriteAsync(SimulatorJson.ToJson(new JsonObject { ["__type"] = type, ["message"] = message }), context.RequestAborted);
    }
}

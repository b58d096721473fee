using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using FuncSync.Hosting.Functions;
using FuncSync.Hosting.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FuncSync.Hosting.Queues;

/// <summary>Drives one queue-triggered function the way the Functions host's QueueListener does:
/// batched receives with a long invisibility that is renewed while the function runs, delete on
/// success, release on failure, and a <c>-poison</c> queue once the message has failed maxDequeueCount times.
/// Unlike the host, a receive whose processing was cut short (the process killed or crashed) is not counted as a
/// failure: failures are recorded in <see cref="QueueFailureLog"/>, and only a message dequeued four times as often
/// as it may fail is poisoned without them (it probably takes the process down with it).</summary>
internal sealed class QueueListener : BackgroundService, ILocalTrigger
{
    private const int MaxQueueNameLength = 63;
    private const string PoisonSuffix = PoisonQueues.Suffix;

    private readonly FunctionMetadata _function;
    private readonly StorageClients _clients;
    private readonly QueueWatcher _watcher;
    private readonly QueueListenerOptions _options;
    private readonly QueueFailureLog _failures;
    private readonly IServiceScopeFactory _scopeFactory;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<QueueListener> _logger;
    private readonly string? _poisonQueueName;
    private QueueClient? _queue;
    private int _emptyPolls;
    private int _renewals;

    public QueueListener(
        FunctionMetadata function,
        string queueName,
        StorageClients clients,
        QueueWatcher watcher,
        QueueListenerOptions options,
        QueueFailureLog failures,
        IServiceScopeFactory scopeFactory,
        TimeProvider timeProvider,
        ILogger<QueueListener> logger)
    {
        _function = function;
        QueueName = queueName;
        _clients = clients;
        _watcher = watcher;
        _options = options;
        _failures = failures;
        _scopeFactory = scopeFactory;
        _timeProvider = timeProvider;
        _logger = logger;

        // The host has no poison queue for a poison queue, nor when the name would be too long.
        var poison = queueName + PoisonSuffix;
        _poisonQueueName = queueName.EndsWith(PoisonSuffix, StringComparison.Ordinal) || poison.Length > MaxQueueNameLength ? null : poison;
    }

    public string QueueName { get; }

    public FunctionMetadata Declared => _function;

    public string Source => QueueName;

    /// <summary>The longest wait between receives while storage fails: how soon after an outage the queue is read again.</summary>
    public static readonly TimeSpan FailureRetryInterval = TimeSpan.FromSeconds(2);

    /// <summary>Receives that returned nothing; lets tests know the listener has gone idle.</summary>
    internal int EmptyPolls => Volatile.Read(ref _emptyPolls);

    /// <summary>Visibility renewals that succeeded; lets tests know a running message's pop receipt has changed.</summary>
    internal int Renewals => Volatile.Read(ref _renewals);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var clientOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        clientOptions.MessageDecodingFailed += OnMessageDecodingFailedAsync;
        var queue = _clients.CreateQueueClient(QueueName, clientOptions);
        _queue = queue;
        await queue.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
        _logger.LogInformation("Listening on queue {QueueName} for function {FunctionName}", QueueName, _function.Name);

        var backoff = new PollingBackoff(QueueListenerOptions.MinimumPollingInterval, _options.MaxPollingInterval);

        // A failed receive is not an empty queue: growing the empty-queue backoff to its minute-long maximum while
        // storage is down would leave the queue unread for up to that minute after storage is back.
        var failureBackoff = new PollingBackoff(QueueListenerOptions.MinimumPollingInterval, FailureRetryInterval);
        var inFlight = new List<Task>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                inFlight.RemoveAll(t => t.IsCompleted);
                if (inFlight.Count > _options.NewBatchThreshold)
                {
                    await Task.WhenAny(inFlight);
                    continue;
                }

                QueueMessage[] messages;
                try
                {
                    messages = (await queue.ReceiveMessagesAsync(_options.BatchSize, _options.ReceiveVisibilityTimeout, stoppingToken)).Value;
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested && IsStorageUnavailable(ex))
                {
                    // An outage is a condition, not a bug: one line, without a stack trace.
                    _logger.LogWarning("Receiving from queue {QueueName} failed, storage unavailable ({Reason}); retrying after backoff", QueueName, ex.Message);
                    await Task.Delay(failureBackoff.Next(), _timeProvider, stoppingToken);
                    continue;
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    _logger.LogError(ex, "Receiving from queue {QueueName} failed; retrying after backoff", QueueName);
                    await Task.Delay(failureBackoff.Next(), _timeProvider, stoppingToken);
                    continue;
                }

                failureBackoff.Reset();

                if (messages.Length == 0)
                {
                    Interlocked.Increment(ref _emptyPolls);
                    if (await _watcher.WaitAsync(QueueName, backoff.Next(), _timeProvider, stoppingToken))
                    {
                        backoff.Reset();
                    }

                    continue;
                }

                backoff.Reset();
                foreach (var message in messages)
                {
                    inFlight.Add(ProcessAsync(queue, message, stoppingToken));
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: fall through and let in-flight invocations finish, as the host does when draining.
        }

        await Task.WhenAll(inFlight);
    }

    private async Task ProcessAsync(QueueClient queue, QueueMessage message, CancellationToken stoppingToken)
    {
        // Leave the receive loop before doing any work for this message.
        await Task.Yield();
        var receipt = new PopReceipt(message.PopReceipt);
        try
        {
            if (message.DequeueCount > _options.MaxDequeueCount)
            {
                // Dequeued more often than it may fail: some of those receives were cut short (a kill, a crash, a
                // scale-in), which says nothing about the message. Only its recorded failures poison it, unless it has
                // been dequeued so often that it probably takes the process down with it and never gets to record one.
                var failures = await _failures.FailuresAsync(QueueName, message.MessageId, stoppingToken);
                if (failures >= _options.MaxDequeueCount || message.DequeueCount > _options.MaxDequeueCountWithoutFailure)
                {
                    _logger.LogWarning(
                        "Message {MessageId} on queue {QueueName} was dequeued {DequeueCount} times and failed {Failures} of them without completing; moving it to poison",
                        message.MessageId, QueueName, message.DequeueCount, failures);
                    await MoveToPoisonAsync(queue, message, receipt);
                    return;
                }

                _logger.LogInformation(
                    "Message {MessageId} on queue {QueueName} was dequeued {DequeueCount} times but failed only {Failures}: the others were interrupted; running it again",
                    message.MessageId, QueueName, message.DequeueCount, failures);
            }

            var outcome = await InvokeWithRenewalAsync(queue, message, receipt, stoppingToken);
            if (outcome.Succeeded)
            {
                // While stopping, bounded: storage may be what is gone, and a redelivery is deduplicated anyway.
                using var grace = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _timeProvider);
                using var stopping = stoppingToken.Register(() => grace.CancelAfter(GracefulShutdown.StorageGrace));
                await DeleteAsync(queue, message.MessageId, receipt.Value, grace.Token);
                if (message.DequeueCount > 1)
                {
                    // A redelivered message may have failed before; a first delivery never has.
                    await _failures.ForgetAsync(QueueName, message.MessageId, grace.Token);
                }
            }
            else if (stoppingToken.IsCancellationRequested)
            {
                // Interrupted by shutdown, not a verdict on the message: hand it straight back, as far as storage lets us
                // in the stop's grace; otherwise it reappears when its visibility lapses.
                using var grace = new CancellationTokenSource(GracefulShutdown.StorageGrace, _timeProvider);
                await ReleaseAsync(queue, message.MessageId, receipt.Value, TimeSpan.Zero, grace.Token);
            }
            else if (await _failures.RecordFailureAsync(QueueName, message.MessageId, outcome.Failure!, CancellationToken.None) >= _options.MaxDequeueCount)
            {
                await MoveToPoisonAsync(queue, message, receipt);
            }
            else
            {
                await ReleaseAsync(queue, message.MessageId, receipt.Value, _options.VisibilityTimeout, CancellationToken.None);
            }
        }
        catch (Exception ex) when (stoppingToken.IsCancellationRequested || IsStorageUnavailable(ex))
        {
            // Storage gone or stopping: the message reappears after its invisibility lapses. A condition, one line.
            _logger.LogWarning("Message {MessageId} on queue {QueueName} could not be completed ({Reason}); it reappears when its visibility lapses", message.MessageId, QueueName, ex.Message);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Completing message {MessageId} on queue {QueueName} failed", message.MessageId, QueueName);
        }
    }

    // Only queue calls run here, so a bare network failure or timeout is storage's too.
    private static bool IsStorageUnavailable(Exception ex) =>
        ex is OperationCanceledException or HttpRequestException or System.Net.Sockets.SocketException or TimeoutException
        || StorageOutage.IsUnavailable(ex)
        || (ex is AggregateException aggregate && aggregate.InnerExceptions.All(IsStorageUnavailable));

    /// <param name="Failure">Why the function failed; null when it succeeded or the stop interrupted it.</param>
    private sealed record Outcome(bool Succeeded, Exception? Failure);

    private async Task<Outcome> InvokeWithRenewalAsync(QueueClient queue, QueueMessage message, PopReceipt receipt, CancellationToken stoppingToken)
    {
        using var renewal = new CancellationTokenSource();
        var renewing = RenewVisibilityAsync(queue, message.MessageId, receipt, renewal.Token);
        try
        {
            await using var scope = _scopeFactory.CreateAsyncScope();
            var trigger = new QueueTriggerMessage(message.MessageId, message.Body.ToString(), message.DequeueCount, message.InsertedOn);
            using var activity = QueueTrace.StartInvocation(_function.Name, QueueName, message.MessageId, message.DequeueCount, trigger.Body);
            try
            {
                // The host's queue binding data, so a function can take e.g. the message id by name.
                var bindingData = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase)
                {
                    ["Id"] = trigger.Id,
                    ["DequeueCount"] = trigger.DequeueCount,
                    ["InsertionTime"] = trigger.InsertedOn,
                };
                await FunctionInvoker.InvokeAsync(_function, scope.ServiceProvider, trigger.Body, bindingData, stoppingToken);
            }
            catch (Exception ex)
            {
                activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.GetType().Name);
                throw;
            }

            return new Outcome(true, null);
        }
        catch (Exception ex) when (stoppingToken.IsCancellationRequested)
        {
            // The stop cancelled it: expected, and no verdict on the message.
            _logger.LogInformation(
                "Function {FunctionName} was interrupted by shutdown ({Reason}); message {MessageId} goes back to the queue",
                _function.Name, ex.GetType().Name, message.MessageId);
            return new Outcome(false, null);
        }
        catch (Exception ex)
        {
            _logger.LogError(
                ex, "Function {FunctionName} failed for message {MessageId} (dequeue count {DequeueCount})",
                _function.Name, message.MessageId, message.DequeueCount);
            return new Outcome(false, ex);
        }
        finally
        {
            await renewal.CancelAsync();
            await renewing;
        }
    }

    private async Task RenewVisibilityAsync(QueueClient queue, string messageId, PopReceipt receipt, CancellationToken cancellationToken)
    {
        var interval = _options.ReceiveVisibilityTimeout / 2;
        while (true)
        {
            try
            {
                await Task.Delay(interval, _timeProvider, cancellationToken);
                var updated = await queue.UpdateMessageAsync(messageId, receipt.Value, (string?)null, _options.ReceiveVisibilityTimeout, cancellationToken);
                receipt.Value = updated.Value.PopReceipt;
                Interlocked.Increment(ref _renewals);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (RequestFailedException ex) when (IsLostOwnership(ex))
            {
                _logger.LogWarning("Message {MessageId} on queue {QueueName} was taken over while its function ran", messageId, QueueName);
                return;
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Renewing visibility of message {MessageId} on queue {QueueName} failed", messageId, QueueName);
            }
        }
    }

    private async Task MoveToPoisonAsync(QueueClient queue, QueueMessage message, PopReceipt receipt)
    {
        if (_poisonQueueName is null)
        {
            // Releasing it would make a fast infinite loop; leaving it invisible is what the host does.
            _logger.LogError("Message {MessageId} on queue {QueueName} failed {DequeueCount} times and has no poison queue; leaving it invisible",
                message.MessageId, QueueName, message.DequeueCount);
            return;
        }

        var poison = _clients.Queue(_poisonQueueName);
        await poison.CreateIfNotExistsAsync();
        await poison.SendMessageAsync(message.Body);
        _logger.LogWarning("Message {MessageId} on queue {QueueName} moved to {PoisonQueueName} after {DequeueCount} dequeues",
            message.MessageId, QueueName, _poisonQueueName, message.DequeueCount);
        await DeleteAsync(queue, message.MessageId, receipt.Value, CancellationToken.None);
        await _failures.ForgetAsync(QueueName, message.MessageId, CancellationToken.None);
        await NotifyPoisonedAsync(new PoisonedMessage(QueueName, _poisonQueueName, message.MessageId, message.DequeueCount, _function.Name));
    }

    private async Task NotifyPoisonedAsync(PoisonedMessage poisoned)
    {
        await using var scope = _scopeFactory.CreateAsyncScope();
        foreach (var observer in scope.ServiceProvider.GetServices<IPoisonMessageObserver>())
        {
            try
            {
                await observer.OnPoisonedAsync(poisoned, CancellationToken.None);
            }
            catch (Exception ex)
            {
                // The message is safe in the poison queue either way; a watcher of its depth still sees it.
                _logger.LogError(ex, "A poison observer failed for message {MessageId} on queue {QueueName}", poisoned.MessageId, QueueName);
            }
        }
    }

    private async Task OnMessageDecodingFailedAsync(QueueMessageDecodingFailedEventArgs args)
    {
        // A message that is not Base64 can never reach the function; the host poisons it too.
        if (args.ReceivedMessage is not { } message)
        {
            return;
        }

        _logger.LogWarning("Message {MessageId} on queue {QueueName} is not valid Base64", message.MessageId, QueueName);
        if (_poisonQueueName is null)
        {
            return;
        }

        var poison = _clients.CreateQueueClient(_poisonQueueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
        await poison.CreateIfNotExistsAsync(cancellationToken: args.CancellationToken);
        await poison.SendMessageAsync(message.Body, cancellationToken: args.CancellationToken);
        await DeleteAsync(args.Queue, message.MessageId, message.PopReceipt, CancellationToken.None);
    }

    private async Task DeleteAsync(QueueClient queue, string messageId, string popReceipt, CancellationToken cancellationToken)
    {
        try
        {
            await queue.DeleteMessageAsync(messageId, popReceipt, cancellationToken);
        }
        catch (RequestFailedException ex) when (IsLostOwnership(ex))
        {
            _logger.LogWarning("Message {MessageId} on queue {QueueName} was already gone or taken over at delete", messageId, QueueName);
        }
    }

    private async Task ReleaseAsync(QueueClient queue, string messageId, string popReceipt, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        try
        {
            await queue.UpdateMessageAsync(messageId, popReceipt, (string?)null, visibilityTimeout, cancellationToken);
        }
        catch (RequestFailedException ex) when (IsLostOwnership(ex))
        {
            _logger.LogWarning("Message {MessageId} on queue {QueueName} was already gone or taken over at release", messageId, QueueName);
        }
    }

    // "Someone else took over": the message was deleted or dequeued again with a newer pop receipt.
    private static bool IsLostOwnership(RequestFailedException ex) =>
        ex.Status == 404 || (ex.Status == 400 && string.Equals(ex.ErrorCode, QueueErrorCode.PopReceiptMismatch.ToString(), StringComparison.Ordinal));

    /// <summary>The latest pop receipt; each renewal replaces it and only the newest one deletes.</summary>
    private sealed class PopReceipt(string value)
    {
        private string _value = value;

        public string Value
        {
            get => Volatile.Read(ref _value);
            set => Volatile.Write(ref _value, value);
        }
    }
}

/// <summary>Randomized exponential backoff while a queue is empty, from the minimum up to the maximum interval.</summary>
internal sealed class PollingBackoff(TimeSpan minimum, TimeSpan maximum)
{
    private TimeSpan _current = TimeSpan.Zero;

    public TimeSpan Next()
    {
        _current = _current == TimeSpan.Zero ? minimum : TimeSpan.FromTicks(Math.Min(_current.Ticks * 2, maximum.Ticks));

        // Jitter keeps many idle instances from polling in lockstep; no test depends on the sequence.
        var jittered = _current * (0.8 + (0.4 * Random.Shared.NextDouble()));
        return jittered < minimum ? minimum : jittered > maximum ? maximum : jittered;
    }

    public void Reset() => _current = TimeSpan.Zero;
}

using System.Net;
using Microsoft.Extensions.Logging;

namespace FuncSync.Simulators.Hosting;

/// <summary>One webhook event on its way to one address: the exact bytes, and the headers of each attempt (a sender may
/// number its retries).</summary>
internal sealed record OutgoingWebhook(string EventId, string Topic, Uri Address, byte[] Body, Func<int, IEnumerable<KeyValuePair<string, string>>> Headers);

/// <summary>One delivery attempt as the receiver answered it.</summary>
/// <param name="Attempt">0 for the first delivery, 1.. for retries.</param>
/// <param name="Status">The receiver's status code, or 0 when it did not answer in time.</param>
public sealed record WebhookAttempt(string EventId, string Topic, Uri Address, int Attempt, HttpStatusCode Status, DateTimeOffset At);

/// <summary>Channel-neutral webhook delivery for simulators: a first attempt in line, then retries in the background on
/// the channel's schedule, waiting on the simulator's <see cref="TimeProvider"/> so a test moves a fake clock instead of
/// waiting. A delivery succeeds only on a 2xx within the timeout (a 3xx is a failure, as Square counts it).</summary>
internal sealed class WebhookSender(TimeProvider time, TimeSpan timeout, Func<IReadOnlyList<TimeSpan>> retryDelays, ILogger logger) : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly HttpClient _client = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = timeout };
    private readonly List<WebhookAttempt> _attempts = [];
    private readonly List<Task> _background = [];
    private readonly CancellationTokenSource _stopping = new();
    private int _scheduledRetries;

    public IReadOnlyList<WebhookAttempt> Attempts
    {
        get
        {
            lock (_gate)
            {
                return [.. _attempts];
            }
        }
    }

    /// <summary>Retries scheduled so far; each waits on the clock.</summary>
    public int ScheduledRetries => Volatile.Read(ref _scheduledRetries);

    /// <summary>Delivers once and answers the receiver's status; a failure is retried in the background.</summary>
    public async Task<HttpStatusCode> SendAsync(OutgoingWebhook webhook, CancellationToken ct)
    {
        var status = await AttemptAsync(webhook, 0, ct);
        if (!IsSuccess(status))
        {
            Background(stop => RetryAsync(webhook, stop));
        }

        return status;
    }

    /// <summary>Waits until no retry is pending.</summary>
    public async Task WhenSettledAsync()
    {
        while (true)
        {
            Task[] pending;
            lock (_gate)
            {
                _background.RemoveAll(t => t.IsCompleted);
                pending = [.. _background];
            }

            if (pending.Length == 0)
            {
                return;
            }

            await Task.WhenAll(pending);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        Task[] pending;
        lock (_gate)
        {
            pending = [.. _background];
        }

        try
        {
            await Task.WhenAll(pending);
        }
        catch (OperationCanceledException)
        {
            // Retries still waiting when the simulator stops are given up, as a discarded notification is.
        }

        _client.Dispose();
        _stopping.Dispose();
    }

    private static bool IsSuccess(HttpStatusCode status) => (int)status is >= 200 and < 300;

    private async Task RetryAsync(OutgoingWebhook webhook, CancellationToken stop)
    {
        var delays = retryDelays();
        for (var retry = 1; retry <= delays.Count; retry++)
        {
            // The timer exists before the retry counts as scheduled, so a test that advances a fake clock on seeing it
            // cannot miss it.
            var wait = Task.Delay(delays[retry - 1], time, stop);
            Interlocked.Increment(ref _scheduledRetries);
            await wait;
            if (IsSuccess(await AttemptAsync(webhook, retry, stop)))
            {
                return;
            }
        }

        logger.LogWarning("Webhook {EventId} ({Topic}) to {Address} failed {Count} retries and is discarded", webhook.EventId, webhook.Topic, webhook.Address, delays.Count);
    }

    private void Background(Func<CancellationToken, Task> work)
    {
        lock (_gate)
        {
            _background.Add(Task.Run(() => work(_stopping.Token)));
        }
    }

    private async Task<HttpStatusCode> AttemptAsync(OutgoingWebhook webhook, int attempt, CancellationToken ct)
    {
        var sentAt = time.GetUtcNow();
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Address) { Content = new ByteArrayContent(webhook.Body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in webhook.Headers(attempt))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        HttpStatusCode status;
        try
        {
            using var response = await _client.SendAsync(request, ct);
            status = response.StatusCode;
        }
        catch (HttpRequestException ex)
        {
            logger.LogWarning(ex, "Webhook {EventId} to {Address} was not answered", webhook.EventId, webhook.Address);
            status = 0;
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            // HttpClient reports its own timeout as a cancellation; the channel counts it as a failed delivery.
            logger.LogWarning(ex, "Webhook {EventId} to {Address} timed out", webhook.EventId, webhook.Address);
            status = 0;
        }

        lock (_gate)
        {
            _attempts.Add(new WebhookAttempt(webhook.EventId, webhook.Topic, webhook.Address, attempt, status, sentAt));
        }

        return status;
    }
}

using System.Net;
using Microsoft.Extensions.Logging;

namespace FuncSync.Simulators.Hosting;

/// <summary>One webhook event on its way to one address: the exact bytes, and the headers of each attempt (a sender may
/// number its retries).</summary>
/// <param name="DeliveryIdHeader">Where a channel that names every attempt afresh (Shopify's <c>Webhook-Id</c>) puts
/// the attempt's id, drawn from the sender's seeded sequence; null when the channel has none.</param>
internal sealed record OutgoingWebhook(
    string EventId, string Topic, Uri Address, byte[] Body, Func<int, IEnumerable<KeyValuePair<string, string>>> Headers, string? DeliveryIdHeader = null);

/// <summary>One delivery attempt as the receiver answered it.</summary>
/// <param name="Attempt">0 for the first delivery (and for a duplicate of it), 1.. for retries.</param>
/// <param name="Status">The receiver's status code, or 0 when it did not answer in time.</param>
/// <param name="At">When the attempt was sent: the answer may come back after a test has moved the clock on.</param>
/// <param name="DeliveryId">The attempt's own id when the channel sends one (<see cref="OutgoingWebhook.DeliveryIdHeader"/>).</param>
public sealed record WebhookAttempt(string EventId, string Topic, Uri Address, int Attempt, HttpStatusCode Status, DateTimeOffset At, string? DeliveryId = null);

/// <summary>How a channel's delivery misbehaves, as at-least-once delivery may: a share of successful deliveries sent
/// once more, and a share held back by up to <paramref name="MaxHold"/> so that later events overtake them.</summary>
internal sealed record WebhookFaults(double DuplicateRate, double ReorderRate, TimeSpan MaxHold)
{
    public static WebhookFaults None { get; } = new(0, 0, TimeSpan.Zero);
}

/// <summary>Channel-neutral webhook delivery for simulators: a first attempt in line, then retries in the background on
/// the channel's schedule, waiting on the simulator's <see cref="TimeProvider"/> so a test moves a fake clock instead of
/// waiting. A delivery succeeds only on a 2xx within the timeout (a 3xx is a failure, as Shopify and Square count it).
/// Duplicates, reordering and delivery ids are drawn from the seed, so runs with the same seed deliver the same way.</summary>
internal sealed class WebhookSender : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly Func<IReadOnlyList<TimeSpan>> _retryDelays;
    private readonly Func<WebhookFaults> _faults;
    private readonly ILogger _logger;
    private readonly HttpClient _client;
    private readonly List<WebhookAttempt> _attempts = [];
    private readonly List<Task> _background = [];
    private readonly CancellationTokenSource _stopping = new();

    // Faults and delivery ids draw from their own seeded sequences, apart from the simulator's payload ids: turning
    // faults on, or a retry's timing, must not change the ids of the payloads.
    private readonly Random _draws;
    private readonly SeededIds _deliveryIds;
    private int _scheduledRetries;

    /// <param name="retryDelays">Read per delivery: tests change a simulator's schedule after it started.</param>
    /// <param name="faults">Read per delivery, for the same reason; none when null.</param>
    public WebhookSender(TimeProvider time, TimeSpan timeout, Func<IReadOnlyList<TimeSpan>> retryDelays, ILogger logger, int seed = 0, Func<WebhookFaults>? faults = null)
    {
        _time = time;
        _retryDelays = retryDelays;
        _faults = faults ?? (() => WebhookFaults.None);
        _logger = logger;
        _client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = timeout };
        _draws = new Random(seed ^ 0x5EED);
        _deliveryIds = new SeededIds(seed ^ 0xD311);
    }

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

    /// <summary>Delivers once and answers the receiver's status (0 when held back or not answered); a failure is
    /// retried in the background.</summary>
    public async Task<HttpStatusCode> SendAsync(OutgoingWebhook webhook, CancellationToken ct) =>
        (await DeliverAsync(webhook, ct))?.Status ?? 0;

    /// <summary>As <see cref="SendAsync"/>, answering the first attempt, or null when the delivery was held back to be
    /// overtaken (it then goes out later, in the background).</summary>
    public async Task<WebhookAttempt?> DeliverAsync(OutgoingWebhook webhook, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        var faults = _faults();
        TimeSpan? hold;
        lock (_gate)
        {
            hold = faults.ReorderRate > 0 && _draws.NextDouble() < faults.ReorderRate ? faults.MaxHold * _draws.NextDouble() : null;
        }

        if (hold is { } delay)
        {
            Background(async stop =>
            {
                await Task.Delay(delay, _time, stop);
                await DeliverInBackgroundAsync(webhook, stop);
            });
            return null;
        }

        var first = await AttemptAsync(webhook, 0, ct);
        FollowUp(first, webhook);
        return first;
    }

    /// <summary>One attempt and nothing after it, whatever the answer: a redelivery by hand.</summary>
    public Task<WebhookAttempt> SendOnceAsync(OutgoingWebhook webhook, CancellationToken ct) => AttemptAsync(webhook, 0, ct);

    /// <summary>Sends from the background (e.g. a notice that follows an API call's answer); <see cref="WhenSettledAsync"/>
    /// waits for it, and it ends with the simulator.</summary>
    public void Run(Func<CancellationToken, Task> work) => Background(work);

    /// <summary>Waits until no delivery is pending: retries scheduled, held-back or duplicate deliveries all done.</summary>
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
        // Retries still waiting (hours apart on some channels' schedules) are given up, as a discarded delivery is.
        await _stopping.CancelAsync();
        Task[] pending;
        lock (_gate)
        {
            pending = [.. _background];
        }

        await Task.WhenAll(pending);
        _client.Dispose();
        _stopping.Dispose();
    }

    private static bool IsSuccess(HttpStatusCode status) => (int)status is >= 200 and < 300;

    private void FollowUp(WebhookAttempt first, OutgoingWebhook webhook)
    {
        if (!IsSuccess(first.Status))
        {
            Background(stop => RetryAsync(webhook, stop));
        }
        else if (IsDuplicateDrawn())
        {
            Background(stop => AttemptAsync(webhook, 0, stop));
        }
    }

    private async Task DeliverInBackgroundAsync(OutgoingWebhook webhook, CancellationToken stop)
    {
        var first = await AttemptAsync(webhook, 0, stop);
        if (!IsSuccess(first.Status))
        {
            await RetryAsync(webhook, stop);
        }
        else if (IsDuplicateDrawn())
        {
            await AttemptAsync(webhook, 0, stop);
        }
    }

    private bool IsDuplicateDrawn()
    {
        var rate = _faults().DuplicateRate;
        lock (_gate)
        {
            return rate > 0 && _draws.NextDouble() < rate;
        }
    }

    private async Task RetryAsync(OutgoingWebhook webhook, CancellationToken stop)
    {
        var delays = _retryDelays();
        for (var retry = 1; retry <= delays.Count; retry++)
        {
            // The timer exists before the retry counts as scheduled, so a test that advances a fake clock on seeing it
            // cannot miss it.
            var wait = Task.Delay(delays[retry - 1], _time, stop);
            Interlocked.Increment(ref _scheduledRetries);
            await wait;
            if (IsSuccess((await AttemptAsync(webhook, retry, stop)).Status))
            {
                return;
            }
        }

        _logger.LogWarning("Webhook {EventId} ({Topic}) to {Address} failed {Count} retries and is discarded", webhook.EventId, webhook.Topic, webhook.Address, delays.Count);
    }

    private void Background(Func<CancellationToken, Task> work)
    {
        lock (_gate)
        {
            _background.RemoveAll(t => t.IsCompleted);
            _background.Add(Task.Run(async () =>
            {
                try
                {
                    await work(_stopping.Token);
                }
                catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
                {
                    // The simulator is stopping.
                }
            }));
        }
    }

    private async Task<WebhookAttempt> AttemptAsync(OutgoingWebhook webhook, int attempt, CancellationToken ct)
    {
        string? deliveryId = null;
        if (webhook.DeliveryIdHeader is not null)
        {
            lock (_gate)
            {
                deliveryId = _deliveryIds.NextGuid().ToString();
            }
        }

        var sentAt = _time.GetUtcNow();
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Address) { Content = new ByteArrayContent(webhook.Body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in webhook.Headers(attempt))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (deliveryId is not null)
        {
            request.Headers.TryAddWithoutValidation(webhook.DeliveryIdHeader!, deliveryId);
        }

        HttpStatusCode status;
        try
        {
            using var response = await _client.SendAsync(request, ct);
            status = response.StatusCode;
        }
        catch (HttpRequestException ex)
        {
            _logger.LogWarning(ex, "Webhook {EventId} to {Address} was not answered", webhook.EventId, webhook.Address);
            status = 0;
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            // HttpClient reports its own timeout as a cancellation; the channel counts it as a failed delivery.
            _logger.LogWarning(ex, "Webhook {EventId} to {Address} timed out", webhook.EventId, webhook.Address);
            status = 0;
        }

        var answered = new WebhookAttempt(webhook.EventId, webhook.Topic, webhook.Address, attempt, status, sentAt, deliveryId);
        lock (_gate)
        {
            _attempts.Add(answered);
        }

        return answered;
    }
}

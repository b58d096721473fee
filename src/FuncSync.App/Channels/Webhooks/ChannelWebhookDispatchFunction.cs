using System.Text.Json;
using FuncSync.Alerts;
using FuncSync.Json;
using FuncSync.Push;
using FuncSync.Storage;
using Microsoft.Azure.Functions.Worker;

namespace FuncSync.Channels.Webhooks;

/// <summary>Queue function on <c>channel-webhooks</c>: hands each accepted webhook to its channel's
/// <see cref="IChannelWebhook.HandleAsync"/>, whose events are applied to the ledger and pushed in this invocation. A failure throws, so the message is retried and, after the last try,
/// poisoned and alerted like every queue's; a stored body is removed only after the channel handled it whole. A channel
/// that asks to come back later (a read it needs answered 429, or its circuit is open) is no failure: the same webhook
/// goes back on the queue, delayed by the channel's Retry-After or a backoff, and what it applied before stays applied
/// (its events are deduplicated on the second run). Throttled <see cref="ThrottledTimesBeforeAlert"/> times in a row,
/// the channel's sales are waiting on it: the seller is alerted until the webhook is handled.</summary>
public sealed class ChannelWebhookDispatchFunction(IServiceProvider services, WebhookInbox inbox, AlertSender alerts, ILogger<ChannelWebhookDispatchFunction> logger)
{
    public const string Name = "ChannelWebhookDispatch";

    /// <summary>About 15 s of backoff: longer than a channel's usual pacing, as for a throttled push.</summary>
    public const int ThrottledTimesBeforeAlert = 4;

    public static string AlertKey(Domain.Channel channel) => "webhook-throttled:" + channel;

    [Function(Name)]
    public async Task RunAsync([QueueTrigger(StorageNames.ChannelWebhooks, Connection = StorageNames.Connection)] string message, CancellationToken cancellationToken)
    {
        var accepted = JsonSerializer.Deserialize(message, FuncSyncJson.Default.AcceptedWebhook)
            ?? throw new InvalidDataException("The accepted webhook message is empty.");
        if (await inbox.OpenAsync(accepted, cancellationToken) is not { } body)
        {
            logger.LogInformation("{Channel} {Topic} ({EventId}) was handled whole before; its body is gone", accepted.Channel, accepted.Topic, accepted.EventId);
            return;
        }

        // Keyed services of a channel turned off since stay resolvable: what was accepted is still handled.
        var webhook = services.GetRequiredKeyedService<IChannelWebhook>(accepted.Channel);

        // This message carries the webhook's events durably until it is deleted, so they go straight into the ledger.
        try
        {
            using (Ledger.InventoryEventSender.ApplyAtOnce())
            {
                await webhook.HandleAsync(accepted, body, cancellationToken);
            }
        }
        catch (ChannelThrottledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Jitter needs no reproducibility: it only spreads the retries.
            var delay = ThrottleBackoff.Delay(accepted.Throttled, ex.RetryAfter, Random.Shared.NextDouble());
            logger.LogWarning(
                "{Channel} asked to come back later ({Status}) while {Topic} ({EventId}) was handled; handling it again in {Delay} (throttled {Times} times in a row)",
                accepted.Channel, (int?)ex.StatusCode, accepted.Topic, accepted.EventId, delay, accepted.Throttled + 1);
            await inbox.RetryLaterAsync(accepted with { Throttled = accepted.Throttled + 1 }, delay, cancellationToken);
            if (accepted.Throttled + 1 >= ThrottledTimesBeforeAlert)
            {
                await alerts.RaiseAsync(
                    AlertKind.ChannelLimit,
                    AlertKey(accepted.Channel),
                    $"{accepted.Channel} has refused FuncSync's reads {accepted.Throttled + 1} times in a row ({(int?)ex.StatusCode}) while handling its notification {accepted.Topic}: the sales it reports wait until {accepted.Channel} answers again.",
                    null,
                    new AlertAdvice(accepted.Channel.ToString(), $"Nothing is lost: FuncSync keeps asking and clears this alert once {accepted.Channel} answers. If it lasts, check {accepted.Channel}'s status page and whether another app on the same account uses up its rate limit; until then pause risky one-offs on other channels."),
                    cancellationToken);
            }

            return;
        }

        await inbox.DoneAsync(accepted, cancellationToken);
        if (accepted.Throttled >= ThrottledTimesBeforeAlert)
        {
            await alerts.ClearAsync(AlertKind.ChannelLimit, AlertKey(accepted.Channel), cancellationToken);
        }
    }
}

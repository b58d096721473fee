using FuncSync.Domain;

namespace FuncSync.Channels.Webhooks;

/// <summary>A channel's webhook intake, served at <c>/api/webhooks/{channel}</c> (<c>webhooks/shopify</c>,
/// <c>webhooks/etsy</c>, ...) by the one generic intake. A module registers it with
/// <see cref="ChannelBuilder.Webhook{T}"/>; a channel that is not enabled answers 404.
/// <para>The work is split in two so that the channel hears its 2xx within its timeout and nothing accepted is lost:
/// <see cref="VerifyAsync"/> runs at the door, before the answer, and decides; an accepted delivery is written once
/// to a durable inbox; <see cref="HandleAsync"/> runs behind the inbox's queue and does what the delivery means.</para></summary>
public interface IChannelWebhook
{
    Channel Channel { get; }

    /// <summary>Decides at the door, before anything is stored. Checks, in this order: the signature (in constant time,
    /// with any previous secret still in its rotation window), that the delivery is for the shop/account FuncSync is
    /// connected to, whether the topic matters, that there is an event id to deduplicate on, and that a relevant body
    /// reads as its topic's payload, so that a body <see cref="HandleAsync"/> could not read is refused here (400, kept)
    /// rather than answered 2xx and poisoned later. It must not write anything nor call the channel: the intake stores
    /// the delivery or the rejected body according to the verdict. A channel's verification handshake (eBay's
    /// <c>challenge_code</c>, WooCommerce's creation ping) is answered from here with <see cref="WebhookVerdict.Respond"/>.</summary>
    ValueTask<WebhookVerdict> VerifyAsync(WebhookDelivery delivery, CancellationToken cancellationToken);

    /// <summary>Does what an accepted delivery means, behind the inbox queue: translates it into inventory events,
    /// level checks, audits. Must be idempotent: a channel's redelivery of the same event and a retry of the queue
    /// message (after a failure part-way) take effect once, typically because every event it sends carries an id
    /// derived from the channel's own ids, which the ledger deduplicates. Throw on failure: the message is retried and,
    /// after the last try, poisoned and alerted.</summary>
    /// <param name="body">The raw body exactly as received (from the message or from the inbox's blob).</param>
    Task HandleAsync(AcceptedWebhook accepted, ReadOnlyMemory<byte> body, CancellationToken cancellationToken);
}

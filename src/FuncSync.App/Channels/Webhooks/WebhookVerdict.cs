namespace FuncSync.Channels.Webhooks;

/// <summary>What <see cref="IChannelWebhook.VerifyAsync"/> decided about a delivery; the generic intake acts on it.
/// One of <see cref="Accepted"/>, <see cref="Ignored"/>, <see cref="Rejected"/> or <see cref="Responded"/>.</summary>
public abstract record WebhookVerdict
{
    private WebhookVerdict()
    {
    }

    /// <summary>Stored in the inbox, then answered 200; <see cref="IChannelWebhook.HandleAsync"/> runs behind the queue.</summary>
    /// <param name="Topic">The channel's name for what happened (<c>orders/create</c>, <c>order.paid</c>); the handler
    /// switches on it.</param>
    /// <param name="EventId">The channel's id of this event (not of this attempt), so that a redelivery is recognised;
    /// non-empty, at most <see cref="AcceptedWebhook.MaxEventIdLength"/> characters, or the intake answers 400.</param>
    /// <param name="OccurredAt">When the channel says it happened, if it says; the handler weighs it against the receipt
    /// time (<see cref="FuncSync.Webhooks.EventTimes"/>), since unsigned headers can say anything.</param>
    public sealed record Accepted(string Topic, string EventId, DateTimeOffset? OccurredAt) : WebhookVerdict;

    /// <summary>Answered 200 with nothing stored: a topic FuncSync does not use, a test ping, an event of no consequence.</summary>
    public sealed record Ignored(string Reason) : WebhookVerdict;

    /// <summary>Answered <paramref name="Status"/> with a problem body carrying <paramref name="Message"/>.</summary>
    /// <param name="Status">401 for a missing or bad signature, a stale timestamp or another shop (nothing is stored); 400
    /// for a signed body that does not read.</param>
    /// <param name="KeepBody">Keep the raw body for inspection (an unreadable but authentic payload). Never for an
    /// unauthenticated delivery: anyone could fill the store.</param>
    /// <param name="DeliveryId">Names the kept body (the channel's delivery or event id) when there is one.</param>
    public sealed record Rejected(int Status, string Message, bool KeepBody, string? DeliveryId) : WebhookVerdict;

    /// <summary>Answered exactly so, with nothing stored: a channel's verification handshake (eBay's
    /// <c>challengeResponse</c>, WooCommerce's creation ping).</summary>
    public sealed record Responded(int Status, string ContentType, ReadOnlyMemory<byte> Body) : WebhookVerdict;

    public static WebhookVerdict Accept(string topic, string eventId, DateTimeOffset? occurredAt = null) => new Accepted(topic, eventId, occurredAt);

    public static WebhookVerdict Ignore(string reason) => new Ignored(reason);

    public static WebhookVerdict Reject(int status, string message, bool keepBody = false, string? deliveryId = null) =>
        new Rejected(status, message, keepBody, deliveryId);

    /// <summary>401, nothing stored: the delivery is not proven to come from the channel for this seller.</summary>
    public static WebhookVerdict Unauthorized(string message) => new Rejected(401, message, KeepBody: false, DeliveryId: null);

    /// <summary>400, the raw body kept for inspection: authentic, but not a payload FuncSync can read.</summary>
    public static WebhookVerdict Unreadable(string message, string? deliveryId) => new Rejected(400, message, KeepBody: true, deliveryId);

    public static WebhookVerdict Respond(int status, string contentType, ReadOnlyMemory<byte> body) => new Responded(status, contentType, body);
}

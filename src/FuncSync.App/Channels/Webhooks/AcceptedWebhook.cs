using FuncSync.Domain;

namespace FuncSync.Channels.Webhooks;

/// <summary>A delivery the channel's <see cref="IChannelWebhook.VerifyAsync"/> accepted, as the inbox queue carries it.
/// Either <see cref="Body"/> holds the payload (UTF-8 text small enough for a queue message), or <see cref="BodyBlob"/>
/// names where the inbox stored it.</summary>
/// <param name="OccurredAt">The channel's time of the event, when it gave one (unverified).</param>
/// <param name="ReceivedAt">When the intake received the delivery.</param>
/// <param name="Throttled">How many times in a row its channel asked to come back later while it was handled.</param>
public sealed record AcceptedWebhook(
    Channel Channel,
    string Topic,
    string EventId,
    DateTimeOffset? OccurredAt,
    DateTimeOffset ReceivedAt,
    string? Body,
    string? BodyBlob,
    int Throttled = 0)
{
    /// <summary>Event ids travel in queue messages and blob names; channels' ids (GUIDs, numbers) are far shorter.</summary>
    public const int MaxEventIdLength = 200;
}

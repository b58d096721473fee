using System.Text;
using System.Text.Json;
using FuncSync.Domain;
using FuncSync.Hosting.Functions;
using FuncSync.Hosting.Storage;
using FuncSync.Json;
using FuncSync.Storage;

namespace FuncSync.Channels.Webhooks;

/// <summary>Makes an accepted webhook durable in one step before the channel hears 2xx: one message on the
/// <c>channel-webhooks</c> queue carrying the body, or, for a body too large for a message (or not UTF-8 text), the
/// stored body and then one message naming it. A message that never got sent leaves only a blob, which the channel's
/// redelivery overwrites (one name per channel and event). Everything the webhook means is worked out from there by
/// <see cref="ChannelWebhookDispatchFunction"/>, whatever happens to the connection after the answer.</summary>
public sealed class WebhookInbox(IQueueSender queues, StorageClients storage, StorageNames names)
{
    /// <summary>Bodies up to this size travel in the message: base64 makes 48 KiB of 64 KiB, and the envelope
    /// and trace context need the rest.</summary>
    public const int InlineBytes = 40 * 1024;

    public async Task AcceptAsync(Channel channel, WebhookVerdict.Accepted verdict, DateTimeOffset receivedAt, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        string? blob = null;
        if (body.Length > InlineBytes || !System.Text.Unicode.Utf8.IsValid(body.Span))
        {
            blob = BlobName(channel, verdict.EventId);
            var container = storage.Blobs.GetBlobContainerClient(names.WebhookBodiesContainer);
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await container.GetBlobClient(blob).UploadAsync(new BinaryData(body), overwrite: true, cancellationToken);
        }

        var accepted = new AcceptedWebhook(channel, verdict.Topic, verdict.EventId, verdict.OccurredAt, receivedAt, blob is null ? Encoding.UTF8.GetString(body.Span) : null, blob);
        await queues.SendAsync(names.ChannelWebhooksQueue, JsonSerializer.Serialize(accepted, FuncSyncJson.Default.AcceptedWebhook), cancellationToken);
    }

    /// <summary>The same webhook again after <paramref name="delay"/>, as an invisible message (its stored body, if any,
    /// stays): its channel asked to come back later, which says nothing about the webhook.</summary>
    public async Task RetryLaterAsync(AcceptedWebhook accepted, TimeSpan delay, CancellationToken cancellationToken) =>
        await storage.Queue(names.ChannelWebhooksQueue).SendMessageAsync(
            JsonSerializer.Serialize(accepted, FuncSyncJson.Default.AcceptedWebhook), visibilityTimeout: delay, cancellationToken: cancellationToken);

    /// <returns>The body, or null when a stored body is gone: removed after an earlier run handled it whole.</returns>
    public async Task<byte[]?> OpenAsync(AcceptedWebhook accepted, CancellationToken cancellationToken)
    {
        if (accepted.BodyBlob is null)
        {
            return Encoding.UTF8.GetBytes(accepted.Body ?? string.Empty);
        }

        var blob = storage.Blobs.GetBlobContainerClient(names.WebhookBodiesContainer).GetBlobClient(accepted.BodyBlob);
        try
        {
            return (await blob.DownloadContentAsync(cancellationToken)).Value.Content.ToArray();
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Removes a stored body once the channel handled it whole.</summary>
    public async Task DoneAsync(AcceptedWebhook accepted, CancellationToken cancellationToken)
    {
        if (accepted.BodyBlob is not null)
        {
            await storage.Blobs.GetBlobContainerClient(names.WebhookBodiesContainer).GetBlobClient(accepted.BodyBlob).DeleteIfExistsAsync(cancellationToken: cancellationToken);
        }
    }

    // One name per channel event, so a redelivery overwrites instead of adding a copy.
    private static string BlobName(Channel channel, string eventId) =>
        channel.ToString().ToLowerInvariant() + "/"
        + new string(eventId.Take(AcceptedWebhook.MaxEventIdLength).Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray()) + ".json";
}

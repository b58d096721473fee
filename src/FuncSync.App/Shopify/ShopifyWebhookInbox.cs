using System.Text;
using System.Text.Json;
using FuncSync.Hosting.Functions;
using FuncSync.Hosting.Storage;
using FuncSync.Storage;

namespace FuncSync.Shopify;

/// <summary>A signed Shopify webhook, accepted whole. Either <see cref="Body"/> carries the payload, or it was too
/// large for a queue message and <see cref="BodyBlob"/> names where it was stored.</summary>
/// <param name="TriggeredAt">Shopify's <c>Triggered-At</c> header, when sent.</param>
public sealed record ShopifyWebhookAccepted(
    string Topic,
    string EventId,
    DateTimeOffset? TriggeredAt,
    DateTimeOffset ReceivedAt,
    string? Body,
    string? BodyBlob);

/// <summary>Makes an accepted webhook durable in one step before Shopify hears 200: one queue message carrying the
/// body, or, for a body too large for a message, the stored body and then one message naming it (a message that
/// never got sent leaves only a blob, which Shopify's redelivery overwrites). Everything the webhook means, one
/// event per order line however many lines, is worked out from there by <see cref="ShopifyWebhookIntakeFunction"/>,
/// whatever happens to the connection after the 200.</summary>
public sealed class ShopifyWebhookInbox(IQueueSender queues, StorageClients storage, StorageNames names)
{
    /// <summary>Bodies up to this size travel in the message: base64 makes 48 KiB of 64 KiB, and the envelope
    /// and trace context need the rest.</summary>
    public const int InlineBytes = 40 * 1024;

    public async Task AcceptAsync(string topic, string eventId, DateTimeOffset? triggeredAt, DateTimeOffset receivedAt, byte[] body, CancellationToken cancellationToken)
    {
        string? blob = null;
        if (body.Length > InlineBytes)
        {
            blob = BlobName(eventId);
            var container = storage.Blobs.GetBlobContainerClient(names.ShopifyWebhookBodiesContainer);
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await container.GetBlobClient(blob).UploadAsync(new BinaryData(body), overwrite: true, cancellationToken);
        }

        var accepted = new ShopifyWebhookAccepted(topic, eventId, triggeredAt, receivedAt, blob is null ? Encoding.UTF8.GetString(body) : null, blob);
        await queues.SendAsync(names.ShopifyWebhooksQueue, JsonSerializer.Serialize(accepted, ShopifyJson.Default.ShopifyWebhookAccepted), cancellationToken);
    }

    /// <returns>The body, or null when a stored body is gone: removed after an earlier run handled it whole.</returns>
    public async Task<byte[]?> OpenAsync(ShopifyWebhookAccepted accepted, CancellationToken cancellationToken)
    {
        if (accepted.BodyBlob is null)
        {
            return Encoding.UTF8.GetBytes(accepted.Body ?? string.Empty);
        }

        var blob = storage.Blobs.GetBlobContainerClient(names.ShopifyWebhookBodiesContainer).GetBlobClient(accepted.BodyBlob);
        try
        {
            return (await blob.DownloadContentAsync(cancellationToken)).Value.Content.ToArray();
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Removes a stored body once every event it meant is on its queue.</summary>
    public async Task DoneAsync(ShopifyWebhookAccepted accepted, CancellationToken cancellationToken)
    {
        if (accepted.BodyBlob is not null)
        {
            await storage.Blobs.GetBlobContainerClient(names.ShopifyWebhookBodiesContainer).GetBlobClient(accepted.BodyBlob).DeleteIfExistsAsync(cancellationToken: cancellationToken);
        }
    }

    // One name per Shopify event, so a redelivery overwrites instead of adding a copy.
    private static string BlobName(string eventId) =>
        new string(eventId.Take(200).Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray()) + ".json";
}

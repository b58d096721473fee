using Azure.Storage.Blobs.Models;
using FuncSync.Hosting.Storage;
using FuncSync.Storage;

namespace FuncSync.Webhooks;

/// <summary>Keeps the raw body of a signed webhook FuncSync could not read, so a person can see what
/// the channel sent instead of guessing from a log line.</summary>
public sealed class RejectedWebhookStore(StorageClients storage, StorageNames names, TimeProvider time)
{
    public async Task<string> KeepAsync(string channel, string deliveryId, byte[] body, string reason, CancellationToken cancellationToken)
    {
        var container = storage.Blobs.GetBlobContainerClient(names.RejectedWebhooksContainer);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var now = time.GetUtcNow();
        var name = $"{channel}/{now:yyyy/MM/dd}/{now:HHmmssfff}-{Sanitize(deliveryId)}.json";
        var blob = container.GetBlobClient(name);
        await blob.UploadAsync(
            new BinaryData(body),
            new BlobUploadOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
                // Trimmed: HTTP drops a header value's outer spaces, so a reason cut at a space would break the request's signature.
                Metadata = new Dictionary<string, string> { ["reason"] = Sanitize(reason).Trim() },
            },
            cancellationToken);
        return name;
    }

    // Blob names and metadata values take a limited alphabet; delivery ids and messages come from outside.
    private static string Sanitize(string value) =>
        new(value.Take(200).Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ' ' ? c : '_').ToArray());
}

using System.Globalization;
using System.Text;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using FuncSync.Hosting.Storage;
using FuncSync.Storage;

namespace FuncSync.Catalog;

/// <summary>Import files in Blob Storage, one blob per job, streamed in from the request in blocks so no file is held
/// in memory whole; a file over the limit is never committed.</summary>
public sealed class ImportFiles(StorageClients storage, StorageNames names)
{
    /// <summary>24 MiB, about 275,000 SKUs of a typical map (50,000 take 4.35 MB). Below the 30 MB request body
    /// Kestrel accepts locally and the 100 MB the Functions host accepts in Azure.</summary>
    public const long MaxBytes = 24L * 1024 * 1024;

    private const int BlockBytes = 4 * 1024 * 1024;

    /// <returns>False when the body is larger than <see cref="MaxBytes"/>: then no blob is committed (the service
    /// discards blocks never committed).</returns>
    public async Task<bool> StoreAsync(string id, Stream body, CancellationToken cancellationToken)
    {
        var container = storage.Blobs.GetBlobContainerClient(names.ImportsContainer);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var blob = container.GetBlockBlobClient(BlobName(id));
        var blocks = new List<string>();
        var buffer = new byte[BlockBytes];
        long total = 0;
        while (true)
        {
            var filled = await body.ReadAtLeastAsync(buffer, BlockBytes, throwOnEndOfStream: false, cancellationToken);
            total += filled;
            if (total > MaxBytes)
            {
                return false;
            }

            if (filled > 0)
            {
                // Block ids of one blob must all be the same length.
                var blockId = Convert.ToBase64String(Encoding.ASCII.GetBytes(blocks.Count.ToString("D6", CultureInfo.InvariantCulture)));
                using var block = new MemoryStream(buffer, 0, filled, writable: false);
                await blob.StageBlockAsync(blockId, block, cancellationToken: cancellationToken);
                blocks.Add(blockId);
            }

            if (filled < BlockBytes)
            {
                break;
            }
        }

        await blob.CommitBlockListAsync(blocks, new CommitBlockListOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "text/csv; charset=utf-8" } }, cancellationToken);
        return true;
    }

    public async Task<Stream> OpenReadAsync(string id, CancellationToken cancellationToken) =>
        await storage.Blobs.GetBlobContainerClient(names.ImportsContainer).GetBlobClient(BlobName(id)).OpenReadAsync(cancellationToken: cancellationToken);

    public Task DeleteAsync(string id, CancellationToken cancellationToken) =>
        storage.Blobs.GetBlobContainerClient(names.ImportsContainer).GetBlobClient(BlobName(id)).DeleteIfExistsAsync(cancellationToken: cancellationToken);

    private static string BlobName(string id) => id + ".csv";
}

namespace FuncSync.Webhooks;

/// <summary>Reads a request body as the exact bytes the sender signed.</summary>
public static class RawBody
{
    /// <summary>Webhook payloads are a few KiB; a megabyte is far past any real order.</summary>
    public const int MaxBytes = 1024 * 1024;

    /// <returns>The bytes, or null when the body is larger than <see cref="MaxBytes"/>.</returns>
    public static Task<byte[]?> ReadAsync(HttpRequest request, CancellationToken cancellationToken) =>
        ReadAsync(request, MaxBytes, cancellationToken);

    /// <returns>The bytes, or null when the body is larger than <paramref name="maxBytes"/>.</returns>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream(request.ContentLength is { } length ? (int)Math.Min(length, maxBytes) : 4096);
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}

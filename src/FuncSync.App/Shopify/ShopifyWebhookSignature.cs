using System.Security.Cryptography;
using System.Text;

namespace FuncSync.Shopify;

/// <summary>Shopify signs a webhook with base64(HMAC-SHA256(client secret, raw body)).</summary>
public static class ShopifyWebhookSignature
{
    public static string Compute(string secret, ReadOnlySpan<byte> body) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>Compares in constant time, so response timing reveals nothing about the expected value.</summary>
    public static bool IsValid(string secret, ReadOnlySpan<byte> body, string? header)
    {
        if (string.IsNullOrWhiteSpace(header) || string.IsNullOrEmpty(secret))
        {
            return false;
        }

        Span<byte> presented = stackalloc byte[64];
        if (!Convert.TryFromBase64String(header.Trim(), presented, out var written) || written != HMACSHA256.HashSizeInBytes)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body, expected);
        return CryptographicOperations.FixedTimeEquals(expected, presented[..written]);
    }
}

using System.Security.Cryptography;
using System.Text;

namespace FuncSync.WooCommerce;

/// <summary>WooCommerce's delivery signature (<c>WC_Webhook::generate_signature</c>): <c>X-WC-Webhook-Signature</c> is
/// the base64 HMAC-SHA256 of the raw body (the trimmed JSON WooCommerce sent), keyed with the webhook's secret. A store
/// can change the algorithm with the <c>woocommerce_webhook_hash_algorithm</c> filter; FuncSync accepts SHA-256 only.</summary>
public static class WooCommerceWebhookSignature
{
    public const string Header = "X-WC-Webhook-Signature";

    public static bool IsValid(string secret, ReadOnlySpan<byte> body, string? signature)
    {
        if (string.IsNullOrEmpty(secret) || string.IsNullOrEmpty(signature))
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body, expected);
        Span<byte> given = stackalloc byte[HMACSHA256.HashSizeInBytes];
        return Convert.TryFromBase64String(signature, given, out var written)
            && written == HMACSHA256.HashSizeInBytes
            && CryptographicOperations.FixedTimeEquals(expected, given);
    }
}

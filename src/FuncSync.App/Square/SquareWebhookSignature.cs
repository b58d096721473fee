using System.Security.Cryptography;
using System.Text;

namespace FuncSync.Square;

/// <summary>Square's notification signature: <c>x-square-hmacsha256-signature</c> is base64 HMAC-SHA256, keyed with the
/// subscription's signature key, over the notification URL as registered followed by the raw body.</summary>
public static class SquareWebhookSignature
{
    public const string Header = "x-square-hmacsha256-signature";

    public static bool IsValid(string signatureKey, string notificationUrl, ReadOnlySpan<byte> body, string? signature)
    {
        if (string.IsNullOrEmpty(signatureKey) || string.IsNullOrEmpty(notificationUrl) || string.IsNullOrEmpty(signature))
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Compute(signatureKey, notificationUrl, body, expected);
        Span<byte> given = stackalloc byte[HMACSHA256.HashSizeInBytes];
        return Convert.TryFromBase64String(signature, given, out var written)
            && written == HMACSHA256.HashSizeInBytes
            && CryptographicOperations.FixedTimeEquals(expected, given);
    }

    private static void Compute(string signatureKey, string notificationUrl, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(signatureKey));
        hmac.AppendData(Encoding.UTF8.GetBytes(notificationUrl));
        hmac.AppendData(body);
        hmac.GetHashAndReset(destination);
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FuncSync.Etsy;

public enum EtsyWebhookVerdict
{
    Valid,
    MissingHeaders,
    StaleTimestamp,
    BadSignature,
}

/// <summary>Standard Webhooks verification, the scheme Etsy signs ORDER_PAID with: HMAC-SHA256 keyed with the
/// base64-decoded secret after <c>whsec_</c>, over <c>{webhook-id}.{webhook-timestamp}.{raw body}</c>; the
/// <c>webhook-signature</c> header lists space-separated <c>v1,{base64}</c> entries (several during a secret
/// rotation), any of which may match. The timestamp must be within the tolerance either way, so a captured
/// delivery cannot be replayed later.</summary>
public static class EtsyWebhookSignature
{
    private const string SecretPrefix = "whsec_";

    public static EtsyWebhookVerdict Verify(
        string secret, string? webhookId, string? timestamp, string? signatures, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(webhookId) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatures))
        {
            return EtsyWebhookVerdict.MissingHeaders;
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(now.ToUnixTimeSeconds() - seconds) > tolerance.TotalSeconds)
        {
            return EtsyWebhookVerdict.StaleTimestamp;
        }

        var key = Convert.FromBase64String(secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret);
        var signedPrefix = Encoding.UTF8.GetBytes($"{webhookId}.{timestamp}.");
        var content = new byte[signedPrefix.Length + body.Length];
        signedPrefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(signedPrefix.Length));
        var expected = HMACSHA256.HashData(key, content);

        foreach (var entry in signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!entry.StartsWith("v1,", StringComparison.Ordinal))
            {
                continue;
            }

            var candidate = new byte[expected.Length];
            if (Convert.TryFromBase64String(entry[3..], candidate, out var written)
                && written == expected.Length
                && CryptographicOperations.FixedTimeEquals(candidate, expected))
            {
                return EtsyWebhookVerdict.Valid;
            }
        }

        return EtsyWebhookVerdict.BadSignature;
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FuncSync.Simulators.Etsy;

/// <summary>Signs a delivery the Standard Webhooks way, as Etsy's webhook service does: HMAC-SHA256, keyed with the
/// base64-decoded part of the <c>whsec_</c> secret, over <c>{webhook-id}.{webhook-timestamp}.{body}</c>, sent as
/// <c>v1,{base64}</c> in <c>webhook-signature</c>.</summary>
public static class EtsyWebhookSigner
{
    public const string SecretPrefix = "whsec_";

    public static string Sign(string secret, string webhookId, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (!secret.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            throw new ArgumentException("A Standard Webhooks secret starts with whsec_.", nameof(secret));
        }

        var key = Convert.FromBase64String(secret[SecretPrefix.Length..]);
        var prefix = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{webhookId}.{timestamp}."));
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, content));
    }
}

using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace FuncSync.Ebay;

/// <summary>eBay's <c>X-EBAY-SIGNATURE</c>: base64 of a JSON object <c>{alg:"ecdsa", kid, signature, digest}</c>, the
/// signature an ASN.1 DER ECDSA signature over the raw body, the key the Notification API serves for <c>kid</c>. The
/// digest is the one the key is published with (eBay's SDK vectors use SHA1, newer keys SHA256); a header asking for
/// another is refused, so nobody can pick a weaker one.</summary>
public static class EbayNotificationSignature
{
    public const string Header = "X-EBAY-SIGNATURE";

    /// <summary>The header's fields, or null when it is not base64 JSON with an ECDSA signature and a usable kid.</summary>
    public static EbaySignatureHeader? Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header) || header.Length > 4096)
        {
            return null;
        }

        try
        {
            var json = JsonNode.Parse(Convert.FromBase64String(header.Trim()));
            var alg = (string?)json?["alg"];
            var kid = (string?)json?["kid"];
            var signature = (string?)json?["signature"];
            var digest = (string?)json?["digest"];
            if (!string.Equals(alg, "ecdsa", StringComparison.OrdinalIgnoreCase) || kid is not { Length: > 0 and <= 100 } || !kid.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') || signature is null)
            {
                return null;
            }

            return new EbaySignatureHeader(kid, Convert.FromBase64String(signature), digest ?? "SHA1");
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Whether <paramref name="signature"/> signs <paramref name="body"/> under <paramref name="key"/>.</summary>
    public static bool Verify(ReadOnlySpan<byte> body, EbaySignatureHeader signature, EbayPublicKey key)
    {
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(key);
        if (!string.Equals(signature.Digest, key.Digest, StringComparison.OrdinalIgnoreCase) || Hash(key.Digest) is not { } hash)
        {
            return false;
        }

        using var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportSubjectPublicKeyInfo(key.SubjectPublicKeyInfo, out _);
            return ecdsa.VerifyData(body, signature.Signature, hash, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>eBay's answer to the endpoint challenge: the SHA-256 hex of the challenge code, the verification token and
    /// the endpoint URL as registered, in that order.</summary>
    public static string ChallengeResponse(string challengeCode, string verificationToken, string endpoint) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(challengeCode + verificationToken + endpoint)));

    private static HashAlgorithmName? Hash(string digest) => digest.ToUpperInvariant() switch
    {
        "SHA1" => HashAlgorithmName.SHA1,
        "SHA256" => HashAlgorithmName.SHA256,
        _ => null,
    };
}

public sealed record EbaySignatureHeader(string Kid, byte[] Signature, string Digest);

/// <summary>A notification signing key as the Notification API serves it.</summary>
public sealed record EbayPublicKey(byte[] SubjectPublicKeyInfo, string Digest)
{
    /// <summary>Reads <c>{key, algorithm, digest}</c>; the key is PEM, eBay writing it on one line.</summary>
    public static EbayPublicKey? From(JsonNode? answer)
    {
        var pem = (string?)answer?["key"];
        if (pem is null || !string.Equals((string?)answer!["algorithm"], "ECDSA", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var base64 = pem.Replace("-----BEGIN PUBLIC KEY-----", string.Empty, StringComparison.Ordinal)
            .Replace("-----END PUBLIC KEY-----", string.Empty, StringComparison.Ordinal);
        try
        {
            return new EbayPublicKey(Convert.FromBase64String(string.Concat(base64.Where(c => !char.IsWhiteSpace(c)))), (string?)answer["digest"] ?? "SHA1");
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

/// <summary>Signing keys by kid, fetched from the Notification API once and kept for an hour; an unknown kid is
/// remembered briefly too, so a flood of forged kids does not become a flood of calls to eBay.</summary>
public sealed class EbayPublicKeys(EbayApi ebay, IOptions<EbayOptions> options, TimeProvider time)
{
    private const int MaxKids = 1_000;
    private static readonly TimeSpan UnknownKidMemory = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, (EbayPublicKey? Key, DateTimeOffset Until)> _keys = new(StringComparer.Ordinal);

    public async Task<EbayPublicKey?> GetAsync(string kid, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_keys.TryGetValue(kid, out var known) && known.Until > now)
        {
            return known.Key;
        }

        var key = EbayPublicKey.From(await ebay.GetPublicKeyAsync(kid, cancellationToken));
        if (_keys.Count >= MaxKids)
        {
            _keys.Clear();
        }

        _keys[kid] = (key, now + (key is null ? UnknownKidMemory : options.Value.PublicKeyCacheDuration));
        return key;
    }
}

using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Security.KeyVault.Secrets;

namespace FuncSync.Channels.Auth;

/// <summary>One version of the key that wraps the Data Protection key ring: 32 bytes for AES-256-GCM.</summary>
public sealed record KeyEncryptionKey(string Name, string Version, byte[] Key)
{
    private const int MinimumSecretLength = 32;
    private static readonly byte[] DerivationInfo = Encoding.UTF8.GetBytes("FuncSync Data Protection key-encryption key v1");

    /// <summary>The secret's text becomes the key through HKDF-SHA256, so any long random string works (a base64 of
    /// 32 random bytes, two GUIDs); short ones are refused rather than silently weak.</summary>
    public static KeyEncryptionKey FromSecret(string name, string version, string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (secret.Length < MinimumSecretLength)
        {
            throw new InvalidOperationException($"The key-encryption secret '{name}' (version {version}) is shorter than {MinimumSecretLength} characters.");
        }

        return new KeyEncryptionKey(name, version, HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret), 32, salt: [], info: DerivationInfo));
    }
}

/// <summary>Where key-encryption keys come from: the current one wraps new key-ring elements, and any version an
/// element names unwraps it, so rotating the key-encryption key never strands an older element.</summary>
public interface IKeyEncryptionKeys
{
    KeyEncryptionKey Current();

    /// <summary>The version an element was wrapped with; throws when that version is gone.</summary>
    KeyEncryptionKey Version(string version);
}

/// <summary>Key-encryption keys given in configuration (<c>DataProtection:KeyEncryptionKeys:{version}</c>), the current one
/// named by <c>DataProtection:KeyEncryptionKeyVersion</c>: for containers and machines outside Azure, and the tests.</summary>
public sealed class ConfiguredKeyEncryptionKeys : IKeyEncryptionKeys
{
    private readonly Dictionary<string, KeyEncryptionKey> _versions;
    private readonly string _current;

    public ConfiguredKeyEncryptionKeys(string name, IReadOnlyDictionary<string, string> versions, string currentVersion)
    {
        ArgumentNullException.ThrowIfNull(versions);
        _versions = versions.ToDictionary(v => v.Key, v => KeyEncryptionKey.FromSecret(name, v.Key, v.Value), StringComparer.Ordinal);
        _current = _versions.ContainsKey(currentVersion)
            ? currentVersion
            : throw new InvalidOperationException($"DataProtection:KeyEncryptionKeyVersion '{currentVersion}' is not among DataProtection:KeyEncryptionKeys.");
    }

    public KeyEncryptionKey Current() => _versions[_current];

    public KeyEncryptionKey Version(string version) =>
        _versions.TryGetValue(version, out var key)
            ? key
            : throw new CryptographicException($"Key-encryption key version '{version}' is not configured; the key-ring element it wraps cannot be read.");
}

/// <summary>Key-encryption keys held as versions of one Key Vault secret, read with the app's identity (Key Vault Secrets
/// User). The current version is read afresh for every new key-ring element (rare: one every 90 days), so a rotated secret
/// takes effect without a restart; older versions are immutable and cached once read.</summary>
public sealed class KeyVaultKeyEncryptionKeys(SecretClient client, string secretName) : IKeyEncryptionKeys
{
    private readonly ConcurrentDictionary<string, KeyEncryptionKey> _versions = new(StringComparer.Ordinal);

    public KeyEncryptionKey Current()
    {
        // The key ring's encryptor is synchronous; Data Protection calls it off the request path, when it creates a key.
        KeyVaultSecret secret = client.GetSecret(secretName);
        var key = KeyEncryptionKey.FromSecret(secretName, secret.Properties.Version, secret.Value);
        _versions.TryAdd(key.Version, key);
        return key;
    }

    public KeyEncryptionKey Version(string version) => _versions.GetOrAdd(version, v =>
    {
        try
        {
            KeyVaultSecret secret = client.GetSecret(secretName, v);
            return KeyEncryptionKey.FromSecret(secretName, v, secret.Value);
        }
        catch (RequestFailedException ex) when (ex.Status is 403 or 404)
        {
            throw new CryptographicException(
                $"Key Vault secret '{secretName}' version '{v}' cannot be read ({ex.Status}): the key-ring element it wraps cannot be unwrapped. Never disable or purge older versions.", ex);
        }
    });
}

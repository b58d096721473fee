using Azure.Identity;
using Azure.Security.KeyVault.Secrets;

namespace FuncSync.Channels.Auth;

/// <summary>How the Data Protection key ring (which encrypts every channel's stored OAuth tokens) is itself protected at rest.
/// In Azure: a Key Vault secret, read with the app's managed identity. Elsewhere: keys in configuration, or nothing
/// (the key ring is then stored unwrapped, and Data Protection logs a warning saying so).</summary>
public sealed class KeyRingOptions
{
    public const string Section = "DataProtection";

    /// <summary><c>https://{vault}.vault.azure.net/</c>: the vault holding the key-encryption secret.</summary>
    public Uri? KeyVaultUri { get; set; }

    /// <summary>The Key Vault secret whose versions are the key-encryption keys.</summary>
    public string KeySecretName { get; set; } = "dataprotection-kek";

    /// <summary>Outside Key Vault: key-encryption secrets by version (at least 32 characters each); keep old versions
    /// listed as long as key-ring elements wrapped with them exist.</summary>
    public Dictionary<string, string> KeyEncryptionKeys { get; set; } = [];

    /// <summary>Which of <see cref="KeyEncryptionKeys"/> wraps new key-ring elements.</summary>
    public string? KeyEncryptionKeyVersion { get; set; }

    public KeyRingProtection CreateProtection()
    {
        if (KeyVaultUri is { } vault)
        {
            return new KeyRingProtection(new KeyVaultKeyEncryptionKeys(new SecretClient(vault, new DefaultAzureCredential()), KeySecretName));
        }

        if (KeyEncryptionKeys.Count > 0)
        {
            var current = KeyEncryptionKeyVersion
                ?? (KeyEncryptionKeys.Count == 1 ? KeyEncryptionKeys.Keys.Single() : throw new InvalidOperationException("Several DataProtection:KeyEncryptionKeys are set: name the current one in DataProtection:KeyEncryptionKeyVersion."));
            return new KeyRingProtection(new ConfiguredKeyEncryptionKeys(KeySecretName, KeyEncryptionKeys, current));
        }

        return new KeyRingProtection(null);
    }
}

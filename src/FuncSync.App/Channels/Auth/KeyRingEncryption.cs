using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace FuncSync.Channels.Auth;

/// <summary>
/// Wraps each Data Protection key element with AES-256-GCM under a key-encryption key (KEK) held outside storage (a
/// Key Vault secret in Azure), so the <c>DataProtectionKeys</c> table never holds a usable key: whoever reads the
/// storage account also needs the vault. The stored element names the KEK version it was wrapped with, and that
/// version is bound into the authentication tag, so a rotated KEK still unwraps old elements and a relabelled or
/// altered element is refused.
/// </summary>
public sealed class KeyRingXmlEncryptor(IKeyEncryptionKeys keys) : IXmlEncryptor
{
    internal static readonly XNamespace Ns = "urn:funcsync:dataprotection:kek:v1";
    internal const int NonceBytes = 12;
    internal const int TagBytes = 16;

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        ArgumentNullException.ThrowIfNull(plaintextElement);
        var kek = keys.Current();
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var nonce = RandomNumberGenerator.GetBytes(NonceBytes);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[TagBytes];
        try
        {
            using var aes = new AesGcm(kek.Key, TagBytes);
            aes.Encrypt(nonce, plaintext, ciphertext, tag, AssociatedData(kek.Name, kek.Version));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }

        var element = new XElement(
            Ns + "encryptedKey",
            new XAttribute("kek", kek.Name),
            new XAttribute("version", kek.Version),
            new XAttribute("alg", "A256GCM"),
            new XComment(" The key element, AES-256-GCM under the named key-encryption key. "),
            new XElement(Ns + "nonce", Convert.ToBase64String(nonce)),
            new XElement(Ns + "ciphertext", Convert.ToBase64String(ciphertext)),
            new XElement(Ns + "tag", Convert.ToBase64String(tag)));
        return new EncryptedXmlInfo(element, typeof(KeyRingXmlDecryptor));
    }

    /// <summary>Binds the KEK's name and version to the ciphertext: changing either attribute fails the tag check.</summary>
    internal static byte[] AssociatedData(string name, string version) =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"FuncSync.KeyRing.v1|{name}|{version}"));
}

/// <summary>Unwraps what <see cref="KeyRingXmlEncryptor"/> wrapped, with the KEK version the element names. Data Protection
/// creates decryptors by type name with the service provider, so the keys come from there.</summary>
public sealed class KeyRingXmlDecryptor : IXmlDecryptor
{
    private readonly IKeyEncryptionKeys _keys;

    public KeyRingXmlDecryptor(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _keys = (services.GetService(typeof(KeyRingProtection)) as KeyRingProtection)?.Keys
            ?? throw new InvalidOperationException(
                "A Data Protection key in storage is wrapped with a key-encryption key, but none is configured (DataProtection:KeyVaultUri or DataProtection:KeyEncryptionKeys).");
    }

    public KeyRingXmlDecryptor(IKeyEncryptionKeys keys) => _keys = keys;

    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        var ns = KeyRingXmlEncryptor.Ns;
        if (encryptedElement.Name != ns + "encryptedKey" || (string?)encryptedElement.Attribute("alg") != "A256GCM")
        {
            throw new CryptographicException("The key-ring element is not one FuncSync wrapped.");
        }

        var name = (string?)encryptedElement.Attribute("kek") ?? throw new CryptographicException("The wrapped key names no key-encryption key.");
        var version = (string?)encryptedElement.Attribute("version") ?? throw new CryptographicException("The wrapped key names no key-encryption key version.");
        var nonce = Bytes(encryptedElement, ns + "nonce", KeyRingXmlEncryptor.NonceBytes);
        var tag = Bytes(encryptedElement, ns + "tag", KeyRingXmlEncryptor.TagBytes);
        var ciphertext = Bytes(encryptedElement, ns + "ciphertext", null);
        var kek = _keys.Version(version);
        if (!string.Equals(kek.Name, name, StringComparison.Ordinal))
        {
            throw new CryptographicException($"The key was wrapped with key-encryption key '{name}', not the configured '{kek.Name}'.");
        }

        var plaintext = new byte[ciphertext.Length];
        try
        {
            using var aes = new AesGcm(kek.Key, KeyRingXmlEncryptor.TagBytes);

            // Throws AuthenticationTagMismatchException on any change to the ciphertext, nonce, tag, name or version.
            aes.Decrypt(nonce, ciphertext, tag, plaintext, KeyRingXmlEncryptor.AssociatedData(name, version));
            return XElement.Parse(Encoding.UTF8.GetString(plaintext));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    private static byte[] Bytes(XElement parent, XName name, int? length)
    {
        try
        {
            var bytes = Convert.FromBase64String((string?)parent.Element(name) ?? throw new CryptographicException($"The wrapped key lacks {name.LocalName}."));
            return length is { } expected && bytes.Length != expected
                ? throw new CryptographicException($"The wrapped key's {name.LocalName} is {bytes.Length} bytes, not {expected}.")
                : bytes;
        }
        catch (FormatException ex)
        {
            throw new CryptographicException($"The wrapped key's {name.LocalName} is not base64.", ex);
        }
    }
}

/// <summary>The key-encryption keys this app was configured with, or none (local runs: Data Protection then keeps its
/// keys unwrapped and says so in its warning).</summary>
public sealed record KeyRingProtection(IKeyEncryptionKeys? Keys);

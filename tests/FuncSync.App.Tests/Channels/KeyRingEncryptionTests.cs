using System.Security.Cryptography;
using System.Xml.Linq;
using Azure.Data.Tables;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Channels.Auth;
using FuncSync.Testing;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.App.Tests.Channels;

public sealed class KeyRingEncryptionTests
{
    private const string SecretV1 = "kek-version-one-0123456789abcdefghijklmnopqrstuvwxyz";
    private const string SecretV2 = "kek-version-two-ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210";

    private static readonly XElement KeyElement = XElement.Parse(
        """<key id="0b5d1e8e-0000-4000-8000-000000000001" version="1"><descriptor><masterKey><value>c2VjcmV0LW1hc3Rlci1rZXktYnl0ZXM=</value></masterKey></descriptor></key>""");

    [Fact]
    public void Decrypt_WhatEncryptWrapped_GivesBackTheElementAndNamesTheKekVersion()
    {
        var keys = Keys("v1", ("v1", SecretV1));

        var wrapped = new KeyRingXmlEncryptor(keys).Encrypt(KeyElement);

        Assert.Equal(typeof(KeyRingXmlDecryptor), wrapped.DecryptorType);
        Assert.Equal("v1", (string?)wrapped.EncryptedElement.Attribute("version"));
        Assert.DoesNotContain("c2VjcmV0LW1hc3Rlci1rZXktYnl0ZXM", wrapped.EncryptedElement.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("masterKey", wrapped.EncryptedElement.ToString(), StringComparison.Ordinal);
        Assert.True(XNode.DeepEquals(KeyElement, new KeyRingXmlDecryptor(keys).Decrypt(wrapped.EncryptedElement)));
    }

    [Theory]
    [InlineData("ciphertext")]
    [InlineData("tag")]
    [InlineData("nonce")]
    [InlineData("version")]
    public void Decrypt_TamperedElement_Refused(string part)
    {
        var keys = Keys("v2", ("v1", SecretV1), ("v2", SecretV2));
        var wrapped = new KeyRingXmlEncryptor(keys).Encrypt(KeyElement).EncryptedElement;
        if (part == "version")
        {
            // Relabelled to another version the vault does hold: the tag binds the version, so this fails too.
            wrapped.SetAttributeValue("version", "v1");
        }
        else
        {
            var node = wrapped.Element(KeyRingXmlEncryptor.Ns + part)!;
            var bytes = Convert.FromBase64String(node.Value);
            bytes[0] ^= 0x01;
            node.Value = Convert.ToBase64String(bytes);
        }

        Assert.ThrowsAny<CryptographicException>(() => new KeyRingXmlDecryptor(keys).Decrypt(wrapped));
    }

    [Fact]
    public void Decrypt_AfterKekRotation_OldElementsStillReadAndNewOnesUseTheNewVersion()
    {
        var before = Keys("v1", ("v1", SecretV1));
        var old = new KeyRingXmlEncryptor(before).Encrypt(KeyElement).EncryptedElement;

        var rotated = Keys("v2", ("v1", SecretV1), ("v2", SecretV2));
        var fresh = new KeyRingXmlEncryptor(rotated).Encrypt(KeyElement).EncryptedElement;

        Assert.True(XNode.DeepEquals(KeyElement, new KeyRingXmlDecryptor(rotated).Decrypt(old)));
        Assert.Equal("v2", (string?)fresh.Attribute("version"));
        Assert.True(XNode.DeepEquals(KeyElement, new KeyRingXmlDecryptor(rotated).Decrypt(fresh)));

        // A version that was dropped (or purged from the vault) cannot be unwrapped, and says so.
        var withoutV1 = Keys("v2", ("v2", SecretV2));
        Assert.Contains("'v1'", Assert.ThrowsAny<CryptographicException>(() => new KeyRingXmlDecryptor(withoutV1).Decrypt(old)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromSecret_ShortSecret_Refused() =>
        Assert.Throws<InvalidOperationException>(() => KeyEncryptionKey.FromSecret("kek", "v1", "too-short"));

    private static ConfiguredKeyEncryptionKeys Keys(string current, params (string Version, string Secret)[] versions) =>
        new("dataprotection-kek", versions.ToDictionary(v => v.Version, v => v.Secret), current);
}

[Collection(AzuriteTests.Name)]
public sealed class KeyRingStorageTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Protect_WithKekConfigured_StoredKeyRingHoldsNoPlaintextKeyAndRotatedAppStillReadsIt()
    {
        var settings = new Dictionary<string, string?>(Etsy.EtsyTestSettings.ManualPolling)
        {
            ["DataProtection:KeyEncryptionKeys:v1"] = "first-kek-secret-0123456789abcdefghijklmnop",
            ["DataProtection:KeyEncryptionKeyVersion"] = "v1",
        };
        string token;
        Dictionary<string, string?> deployment;
        await using (var app = await FuncSyncTestApp.StartAsync(azurite, settings))
        {
            token = app.App.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("12345678.access-token");
            var rows = await app.Storage.Table(app.Names.DataProtectionKeysTable).QueryAsync<TableEntity>().ToListAsync();
            var xml = Assert.Single(rows).GetString("Xml");

            Assert.DoesNotContain("masterKey", xml, StringComparison.Ordinal);
            Assert.Contains("urn:funcsync:dataprotection:kek:v1", xml, StringComparison.Ordinal);
            Assert.Contains("version=\"v1\"", xml, StringComparison.Ordinal);
            deployment = new Dictionary<string, string?>(app.Settings);
        }

        // The KEK is rotated: v2 wraps new keys, v1 stays listed for the elements it wrapped.
        deployment["DataProtection:KeyEncryptionKeys:v2"] = "second-kek-secret-ZYXWVUTSRQPONMLKJIHGFEDCB";
        deployment["DataProtection:KeyEncryptionKeyVersion"] = "v2";
        var (restarted, _) = await FuncSyncHost.StartOnLoopbackAsync(deployment, Microsoft.Extensions.Logging.LogLevel.Warning);
        await using (restarted)
        {
            Assert.Equal("12345678.access-token", restarted.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(token));
        }
    }
}

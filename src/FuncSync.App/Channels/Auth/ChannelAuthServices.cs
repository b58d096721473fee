using FuncSync.Hosting.Storage;
using FuncSync.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;

namespace FuncSync.Channels.Auth;

/// <summary>The OAuth machinery every channel shares: one Data Protection key ring, and a token store and token source
/// per channel, registered keyed by channel.</summary>
public static class ChannelAuthServices
{
    /// <summary>Tokens are encrypted at rest with a key ring every instance shares, kept in a table; the ring itself is
    /// wrapped with a key-encryption key from Key Vault (or configuration) when one is configured.</summary>
    public static IServiceCollection AddChannelAuth(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("FuncSync");
        services.AddOptions<KeyRingOptions>().BindConfiguration(KeyRingOptions.Section);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<KeyRingOptions>>().Value.CreateProtection());
        services.AddOptions<KeyManagementOptions>().Configure<StorageClients, StorageNames, KeyRingProtection>(
            (keys, storage, names, protection) =>
            {
                keys.XmlRepository = new TableXmlRepository(storage.Table(names.DataProtectionKeysTable));
                if (protection.Keys is { } kek)
                {
                    keys.XmlEncryptor = new KeyRingXmlEncryptor(kek);
                }
            });
        return services;
    }

    /// <summary>Registers <paramref name="channel"/>'s <see cref="OAuthConnectionStore"/> and
    /// <see cref="OAuthAccessTokens"/>, keyed by the channel; <typeparamref name="TRefresher"/> calls its token endpoint.</summary>
    /// <param name="legacyTable">The table the channel kept its connection in before the shared one, if any.</param>
    public static ChannelBuilder OAuth<TRefresher>(this ChannelBuilder channel, Func<IServiceProvider, OAuthTokenSettings> settings, Func<StorageNames, string>? legacyTable = null)
        where TRefresher : class, IOAuthTokenRefresher
    {
        var key = channel.Channel;
        var services = channel.Services;
        services.AddTransient<TRefresher>();
        services.AddKeyedSingleton(key, (sp, _) =>
        {
            var storage = sp.GetRequiredService<StorageClients>();
            var names = sp.GetRequiredService<StorageNames>();
            return new OAuthConnectionStore(
                key, storage.Table(names.ChannelAuthTable), sp.GetRequiredService<ShopPartition>(), sp.GetRequiredService<IDataProtectionProvider>(),
                sp.GetRequiredService<TimeProvider>(), legacyTable is null ? null : storage.Table(legacyTable(names)));
        });
        services.AddKeyedSingleton(key, (sp, _) => new OAuthAccessTokens(
            sp.GetRequiredKeyedService<OAuthConnectionStore>(key),
            sp.GetRequiredService<TRefresher>(),
            () => settings(sp),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<OAuthAccessTokens>>()));
        return channel;
    }
}

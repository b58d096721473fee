using Microsoft.Extensions.Configuration;

namespace FuncSync.Hosting.Storage;

/// <summary>Where the storage account is and how to reach it, read from a Functions-style connection
/// setting: either a connection string under the name itself (<c>AzureWebJobsStorage</c>), or an
/// identity-based connection under <c>{name}__accountName</c> / <c>{name}__blobServiceUri</c>,
/// <c>__queueServiceUri</c>, <c>__tableServiceUri</c>, with <c>__clientId</c> for a user-assigned identity.
/// The same setting then serves the Functions host's triggers and this app's clients.</summary>
public sealed record StorageConnection
{
    private StorageConnection(string? connectionString, Uri? blobServiceUri, Uri? queueServiceUri, Uri? tableServiceUri, string? clientId)
    {
        ConnectionString = connectionString;
        BlobServiceUri = blobServiceUri;
        QueueServiceUri = queueServiceUri;
        TableServiceUri = tableServiceUri;
        ManagedIdentityClientId = clientId;
    }

    /// <summary>Set for a connection-string connection; the service URIs are null then.</summary>
    public string? ConnectionString { get; }

    public Uri? BlobServiceUri { get; }

    public Uri? QueueServiceUri { get; }

    public Uri? TableServiceUri { get; }

    /// <summary>The client id of a user-assigned managed identity; null means the system-assigned
    /// identity (or whatever <c>DefaultAzureCredential</c> finds first, e.g. a developer's login).</summary>
    public string? ManagedIdentityClientId { get; }

    public bool UsesIdentity => ConnectionString is null;

    public static StorageConnection FromConnectionString(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return new StorageConnection(connectionString, null, null, null, null);
    }

    /// <summary>True when <paramref name="name"/> holds a connection string or any identity-based setting.</summary>
    public static bool IsConfigured(IConfiguration configuration, string name)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(name);
        return !string.IsNullOrWhiteSpace(section.Value) || section.GetChildren().Any(c => !string.IsNullOrWhiteSpace(c.Value));
    }

    /// <summary>Reads the connection named <paramref name="name"/>. A connection string wins; otherwise each
    /// service URI is taken from its own setting or derived from the account name (public Azure cloud).</summary>
    public static StorageConnection Read(IConfiguration configuration, string name)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);

        var section = configuration.GetSection(name);
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            return FromConnectionString(section.Value);
        }

        var accountName = Setting(section, "accountName");
        if (accountName is not null && (accountName.Length is < 3 or > 24 || !accountName.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c))))
        {
            throw new InvalidOperationException($"'{name}__accountName' must be a storage account name: 3-24 lower-case letters and digits (was '{accountName}').");
        }

        var blob = ServiceUri(section, name, "blobServiceUri", accountName, "blob")
            ?? ServiceUri(section, name, "serviceUri", accountName: null, service: "blob");
        var queue = ServiceUri(section, name, "queueServiceUri", accountName, "queue");
        var table = ServiceUri(section, name, "tableServiceUri", accountName, "table");
        if (blob is null || queue is null || table is null)
        {
            var missing = new[] { ("blobServiceUri", blob), ("queueServiceUri", queue), ("tableServiceUri", table) }
                .Where(s => s.Item2 is null)
                .Select(s => $"{name}__{s.Item1}");
            throw new InvalidOperationException(
                $"Storage connection '{name}' is not configured: set '{name}' to a connection string, or '{name}__accountName' "
                + $"for a managed identity (missing: {string.Join(", ", missing)}).");
        }

        return new StorageConnection(null, blob, queue, table, Setting(section, "clientId"));
    }

    private static Uri? ServiceUri(IConfigurationSection section, string name, string key, string? accountName, string service)
    {
        if (Setting(section, key) is { } configured)
        {
            return Uri.TryCreate(configured, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
                ? uri
                : throw new InvalidOperationException($"'{name}__{key}' must be an absolute http(s) URI (was '{configured}').");
        }

        return accountName is null ? null : new Uri($"https://{accountName}.{service}.core.windows.net/");
    }

    private static string? Setting(IConfigurationSection section, string key) =>
        section[key] is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}

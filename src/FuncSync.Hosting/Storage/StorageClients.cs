using System.Collections.Concurrent;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

namespace FuncSync.Hosting.Storage;

/// <summary>The one place that builds storage clients, from the <c>AzureWebJobsStorage</c> connection:
/// a connection string (Azurite, local runs) or service URIs with a managed identity (Azure, no keys).
/// Queue clients use Base64 message encoding because that is what the Functions queue trigger expects.</summary>
public sealed class StorageClients
{
    private readonly ConcurrentDictionary<string, QueueClient> _queues = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TableClient> _tables = new(StringComparer.Ordinal);
    private readonly Func<string, QueueClientOptions, QueueClient> _createQueueClient;

    private StorageClients(QueueServiceClient queues, TableServiceClient tables, BlobServiceClient blobs, Func<string, QueueClientOptions, QueueClient> createQueueClient)
    {
        Queues = queues;
        Tables = tables;
        Blobs = blobs;
        _createQueueClient = createQueueClient;
    }

    public QueueServiceClient Queues { get; }

    public TableServiceClient Tables { get; }

    public BlobServiceClient Blobs { get; }

    /// <summary>A Base64-encoding client for <paramref name="name"/>, cached per name.</summary>
    public QueueClient Queue(string name) => _queues.GetOrAdd(name, static (n, queues) => queues.GetQueueClient(n), Queues);

    public TableClient Table(string name) => _tables.GetOrAdd(name, static (n, tables) => tables.GetTableClient(n), Tables);

    public static StorageClients FromConnectionString(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return new StorageClients(
            new QueueServiceClient(connectionString, Base64()),
            new TableServiceClient(connectionString),
            new BlobServiceClient(connectionString),
            (name, options) => new QueueClient(connectionString, name, options));
    }

    /// <summary>Clients that authenticate with <paramref name="credential"/> (Microsoft Entra ID): no account
    /// key anywhere. The identity needs the Storage Blob, Queue and Table Data roles on the account.</summary>
    public static StorageClients FromServiceUris(Uri blobServiceUri, Uri queueServiceUri, Uri tableServiceUri, TokenCredential credential)
    {
        ArgumentNullException.ThrowIfNull(blobServiceUri);
        ArgumentNullException.ThrowIfNull(queueServiceUri);
        ArgumentNullException.ThrowIfNull(tableServiceUri);
        ArgumentNullException.ThrowIfNull(credential);
        return new StorageClients(
            new QueueServiceClient(queueServiceUri, credential, Base64()),
            new TableServiceClient(tableServiceUri, credential),
            new BlobServiceClient(blobServiceUri, credential),
            (name, options) => new QueueClient(QueueUri(queueServiceUri, name), credential, options));
    }

    /// <summary>Clients for the connection named <paramref name="name"/> (see <see cref="StorageConnection"/>).
    /// Identity-based connections use <see cref="DefaultAzureCredential"/>: the app's managed identity in
    /// Azure, a developer's Azure CLI or Visual Studio login elsewhere.</summary>
    public static StorageClients FromConfiguration(IConfiguration configuration, string name = FunctionsHostingExtensions.StorageConnectionKey) =>
        FromConnection(StorageConnection.Read(configuration, name));

    public static StorageClients FromConnection(StorageConnection connection, TokenCredential? credential = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (connection.ConnectionString is { } connectionString)
        {
            return FromConnectionString(connectionString);
        }

        credential ??= new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = connection.ManagedIdentityClientId });
        return FromServiceUris(connection.BlobServiceUri!, connection.QueueServiceUri!, connection.TableServiceUri!, credential);
    }

    /// <summary>A fresh client with its own options, for a listener that must observe decoding failures
    /// without affecting the shared, cached clients.</summary>
    internal QueueClient CreateQueueClient(string name, QueueClientOptions options) => _createQueueClient(name, options);

    private static QueueClientOptions Base64() => new() { MessageEncoding = QueueMessageEncoding.Base64 };

    private static Uri QueueUri(Uri serviceUri, string name)
    {
        // Keep any path the service URI carries (Azurite's /devstoreaccount1) and add the queue below it.
        var builder = new UriBuilder(serviceUri);
        builder.Path = builder.Path.TrimEnd('/') + "/" + Uri.EscapeDataString(name);
        return builder.Uri;
    }
}

using System.Collections.Concurrent;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace FuncSync.Hosting.Storage;

/// <summary>The one place that builds storage clients from the <c>AzureWebJobsStorage</c> connection string.
/// Queue clients use Base64 message encoding because that is what the Functions queue trigger expects.</summary>
public sealed class StorageClients
{
    private readonly ConcurrentDictionary<string, QueueClient> _queues = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TableClient> _tables = new(StringComparer.Ordinal);
    private readonly string _connectionString;

    private StorageClients(string connectionString)
    {
        _connectionString = connectionString;
        Queues = new QueueServiceClient(connectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        Tables = new TableServiceClient(connectionString);
        Blobs = new BlobServiceClient(connectionString);
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
        return new StorageClients(connectionString);
    }

    /// <summary>A fresh client with its own options, for a listener that must observe decoding failures
    /// without affecting the shared, cached clients.</summary>
    internal QueueClient CreateQueueClient(string name, QueueClientOptions options) => new(_connectionString, name, options);
}

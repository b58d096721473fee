using FuncSync.Hosting.Azurite;
using FuncSync.Hosting.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace FuncSync.Testing;

/// <summary>One real, in-memory Azurite per test assembly, on free ports. Tests isolate themselves
/// with fresh queue, table and container names. If Azurite cannot start the tests fail: there is no fake.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteServer? _server;
    private StorageClients? _clients;

    public string ConnectionString => _server?.ConnectionString ?? throw new InvalidOperationException("Azurite has not started.");

    /// <summary>Blob, queue and table ports, for a proxy that puts faults between the app and storage.</summary>
    public (int Blob, int Queue, int Table) Ports => _server is { } server ? (server.BlobPort, server.QueuePort, server.TablePort) : throw new InvalidOperationException("Azurite has not started.");

    public StorageClients Clients => _clients ?? throw new InvalidOperationException("Azurite has not started.");

    public async Task InitializeAsync()
    {
        _server = await AzuriteServer.StartAsync(null, NullLogger.Instance, CancellationToken.None);
        _clients = StorageClients.FromConnectionString(_server.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AzuriteTests : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}

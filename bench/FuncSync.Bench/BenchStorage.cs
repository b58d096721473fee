using System.Globalization;
using FuncSync.Hosting.Azurite;
using Microsoft.Extensions.Logging.Abstractions;

namespace FuncSync.Bench;

/// <summary>The Azurite a rates run stands on: blobs and queues on disk, as <c>dotnet run</c> keeps them, and tables there
/// too (the default) or in a second Azurite of their own, in memory (<c>--tables memory</c>).</summary>
/// <remarks>Why the choice: on disk, Azurite's table store (LokiJS) writes its whole database to one JSON file every 5 s,
/// on the one thread that answers every request of every service. The file grows with every row a run adds, so late in a
/// minute at 50 orders/s a save holds every request for 100–300 ms: a pause of the emulator that grows with the run,
/// which no Azure Storage account has. In memory there is no save, so the two tell the app's own tail from it. Queues
/// stay on disk: in memory, Azurite keeps each message in an extent of its own, and its queue GC (every 60 s) removes
/// them one by one, each removal updating an index of all of them; once a few thousand messages have come and gone that
/// freezes every Azurite service for about 10 s, which no Azure Storage account and no Azurite on disk (many messages to
/// an extent) does.</remarks>
internal sealed class BenchStorage : IAsyncDisposable
{
    private const string DevelopmentAccount = "devstoreaccount1";

    private readonly AzuriteServer _onDisk;
    private readonly AzuriteServer? _tables;
    private readonly string _dataDirectory;

    private BenchStorage(AzuriteServer onDisk, AzuriteServer? tables, string dataDirectory)
    {
        _onDisk = onDisk;
        _tables = tables;
        _dataDirectory = dataDirectory;
        TablePort = (tables ?? onDisk).TablePort;

        // The on-disk Azurite's connection string with its table endpoint swapped for the in-memory one's: both
        // accept the same development account and key.
        ConnectionString = tables is null
            ? onDisk.ConnectionString
            : onDisk.ConnectionString.Replace(
                string.Create(CultureInfo.InvariantCulture, $":{onDisk.TablePort}/{DevelopmentAccount}"),
                string.Create(CultureInfo.InvariantCulture, $":{tables.TablePort}/{DevelopmentAccount}"),
                StringComparison.Ordinal);
    }

    public string ConnectionString { get; }

    public int BlobPort => _onDisk.BlobPort;

    public int QueuePort => _onDisk.QueuePort;

    public int TablePort { get; }

    public static async Task<BenchStorage> StartAsync(bool tablesInMemory)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("funcsync-bench-").FullName;
        var onDisk = await AzuriteServer.StartAsync(dataDirectory, NullLogger.Instance, CancellationToken.None);
        if (!tablesInMemory)
        {
            return new BenchStorage(onDisk, null, dataDirectory);
        }

        try
        {
            return new BenchStorage(onDisk, await AzuriteServer.StartAsync(null, NullLogger.Instance, CancellationToken.None), dataDirectory);
        }
        catch
        {
            await onDisk.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_tables is not null)
        {
            await _tables.DisposeAsync();
        }

        await _onDisk.DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }
}

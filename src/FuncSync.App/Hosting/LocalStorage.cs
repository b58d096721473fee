using FuncSync.Hosting.Azurite;
using FuncSync.Hosting.Storage;

namespace FuncSync.Hosting;

/// <summary>Local mode's storage: the configured account, or, when none is configured, Azurite started from the
/// repository's <c>node_modules</c> with its data in <c>.azurite/</c>, stopped when the app stops.</summary>
public sealed class LocalStorage : IAsyncDisposable
{
    private readonly AzuriteServer? _azurite;

    private LocalStorage(AzuriteServer? azurite) => _azurite = azurite;

    public static async Task<LocalStorage> PrepareAsync(ConfigurationManager configuration, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        // A connection string or an identity-based connection (AzureWebJobsStorage__accountName) both count.
        if (StorageConnection.IsConfigured(configuration, FunctionsHostingExtensions.StorageConnectionKey))
        {
            return new LocalStorage(null);
        }

        var dataDirectory = Path.Combine(Environment.CurrentDirectory, ".azurite");
        logger.LogInformation("No AzureWebJobsStorage configured: starting Azurite (local Azure Storage), data in {DataDirectory}", dataDirectory);
        var azurite = await AzuriteServer.StartAsync(dataDirectory, logger, cancellationToken);
        configuration.AddInMemoryCollection(new Dictionary<string, string?> { [FunctionsHostingExtensions.StorageConnectionKey] = azurite.ConnectionString });
        logger.LogInformation("Azurite is up; stopped last when FuncSync stops");
        return new LocalStorage(azurite);
    }

    public async ValueTask DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}

namespace FuncSync.Hosting;

/// <summary>What a local run starts beside FuncSync (the demo's simulated channels and buyers): prepared before the app
/// is built, so it can add settings; started once the app listens; disposed after the app has stopped.</summary>
public interface ILocalCompanion : IAsyncDisposable
{
    Task StartAsync(WebApplication app, CancellationToken stopping);
}

/// <summary>Prepares a companion from the configuration local mode is about to build the app with.</summary>
public delegate Task<ILocalCompanion> PrepareLocalCompanion(ConfigurationManager configuration, ILogger logger, CancellationToken cancellationToken);

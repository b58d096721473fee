using FuncSync.Channels;
using FuncSync.Hosting;
using FuncSync.Hosting.Functions;
using FuncSync.Storage;
using FuncSync.Telemetry;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration.Memory;

namespace FuncSync;

/// <summary>Local mode: FuncSync without a Functions host. The same <c>[Function]</c> methods are served by FuncSync's
/// own runtime, which reads their attributes: HTTP routes below <c>api/</c>, a queue listener per queue trigger, a
/// timer per timer trigger.</summary>
public static class FuncSyncHost
{
    /// <summary>Azure Functions Core Tools' local port, so local URLs look the same as with the real host.</summary>
    public const string DefaultLocalUrl = "http://127.0.0.1:7071";

    /// <summary>Starts in the mode the process was started for, and says which in the first log line.</summary>
    public static async Task RunAsync(string[] args)
    {
        if (FunctionsHostEnvironment.Detect(args) == FunctionsRunMode.Worker)
        {
            await FuncSyncWorker.RunAsync(args);
            return;
        }

        await RunLocalAsync(args, companion: null);
    }

    /// <summary>Local mode, with an optional <paramref name="companion"/> started beside the app (the demo, from its own
    /// project, so that the app does not carry the simulators).</summary>
    public static async Task RunLocalAsync(string[] args, PrepareLocalCompanion? companion)
    {
        var builder = CreateBuilder(args);
        using var startupLogs = LoggerFactory.Create(logging => logging.AddFuncSyncConsole());
        var logger = startupLogs.CreateLogger("FuncSync");
        logger.LogInformation(
            "FuncSync starting in local mode: no Functions host started this process, so FuncSync's own runtime serves the functions");
        await using var storage = await LocalStorage.PrepareAsync(builder.Configuration, logger, CancellationToken.None);
        await using var beside = companion is null ? null : await companion(builder.Configuration, logger, CancellationToken.None);
        await using var app = Build(builder);
        if (beside is null && app.Services.GetRequiredService<ChannelRegistry>().Enabled.Count == 0)
        {
            logger.LogWarning(
                "No channel is configured: set a channel's settings (local.settings.json, environment, or --Shopify:ShopDomain=...), or run the demo with simulated channels: dotnet run --project src/FuncSync.Demo");
        }

        await app.StartAsync();
        if (beside is not null)
        {
            await beside.StartAsync(app, app.Lifetime.ApplicationStopping);
        }

        await app.WaitForShutdownAsync();
    }

    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

        // Defaults under every other source, so every %Setting% a function names resolves.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = FunctionSettings.Defaults });
        builder.Configuration
            .AddFunctionsHostJson(Path.Combine(AppContext.BaseDirectory, "host.json"))
            .AddLocalSettingsJson(Path.Combine(Environment.CurrentDirectory, "local.settings.json"))
            .AddEnvironmentVariables()
            .AddCommandLine(args);

        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultLocalUrl);
        }

        builder.Logging.AddFuncSyncConsole();

        // Every HTTP call and retry attempt at Information drowns the sync story; failures still show.
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        return builder;
    }

    /// <summary>Starts FuncSync on a free loopback port with <paramref name="settings"/> over the usual
    /// sources: how the tests and the benchmarks run the real app.</summary>
    public static async Task<(WebApplication App, Uri BaseUrl)> StartOnLoopbackAsync(IReadOnlyDictionary<string, string?> settings, LogLevel minimumLevel)
    {
        var builder = CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(minimumLevel);
        var app = Build(builder);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(address.TrimEnd('/') + "/"));
    }

    public static WebApplication Build(WebApplicationBuilder builder)
    {
        builder.Services.AddFuncSync(builder.Configuration);
        var names = new StorageNames(builder.Configuration["FuncSync:StoragePrefix"] ?? string.Empty);
        var functions = FunctionIndex.Read(typeof(FuncSyncHost).Assembly);

        // Just above the defaults: a setting given anywhere else still decides (AzureWebJobs.<name>.Disabled = false).
        builder.Configuration.Sources.Insert(1, new MemoryConfigurationSource { InitialData = ChannelFunctionSwitches.For(builder.Configuration, functions) });
        builder.Services.AddLocalFunctions(builder.Configuration, functions, names.Queue);
        var app = builder.Build();
        app.MapFuncSync();
        return app;
    }
}

using FuncSync.Demo;
using FuncSync.Hosting;
using FuncSync.Hosting.Publishing;
using FuncSync.Telemetry;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration.Memory;

namespace FuncSync;

/// <summary>Builds and runs the FuncSync web app: the custom handler the Functions host calls, or,
/// outside Azure, a self-contained app that runs its own triggers.</summary>
public static class FuncSyncHost
{
    /// <summary>Azure Functions Core Tools' local port, so local URLs look the same as with the real host.</summary>
    public const string DefaultLocalUrl = "http://127.0.0.1:7071";

    /// <summary>The publish step's verb: <c>FuncSync.App --write-functions &lt;dir&gt;</c> writes a function.json per
    /// declared function into the package folder and exits without starting anything.</summary>
    public const string WriteFunctionsVerb = "--write-functions";

    public static async Task RunAsync(string[] args)
    {
        if (args is [WriteFunctionsVerb, var appRoot])
        {
            foreach (var path in WriteFunctions(appRoot))
            {
                Console.WriteLine(path);
            }

            return;
        }

        var builder = CreateBuilder(args);
        using var startupLogs = LoggerFactory.Create(logging => logging.AddFuncSyncConsole());
        await using var demo = await DemoEnvironment.PrepareAsync(builder.Configuration, startupLogs.CreateLogger("FuncSync.Demo"), CancellationToken.None);
        await using var app = Build(builder);
        await app.StartAsync();
        await demo.StartAsync(app, app.Lifetime.ApplicationStopping);
        await app.WaitForShutdownAsync();
    }

    private static readonly Dictionary<string, string?> Defaults = new()
    {
        ["Etsy:PollSchedule"] = new Etsy.EtsyOptions().PollSchedule,
    };

    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

        // Defaults under every other source, so a %Setting% a function.json names always resolves.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Defaults });
        builder.Configuration
            .AddFunctionsHostJson(Path.Combine(AppContext.BaseDirectory, "host.json"))
            .AddLocalSettingsJson(Path.Combine(Environment.CurrentDirectory, "local.settings.json"))
            .AddEnvironmentVariables()
            .AddCommandLine(args);

        if (FunctionsHostEnvironment.CustomHandlerPort is { } port)
        {
            // Under the Functions host: listen where it expects us, on loopback only.
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        }
        else if (string.IsNullOrEmpty(builder.Configuration["urls"]))
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

    /// <summary>Declares FuncSync's functions, as a start would, and writes their function.json files under
    /// <paramref name="appRoot"/>. Needs no app settings: the files keep <c>%Setting%</c> references.</summary>
    public static IReadOnlyList<string> WriteFunctions(string appRoot)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [FunctionsHostEnvironment.DescribeOnlyKey] = "true" })
            .Build();
        var services = new ServiceCollection();
        services.AddFuncSync(configuration);
        using var provider = services.BuildServiceProvider();
        return FunctionJsonWriter.WriteAll(provider.GetRequiredService<IFunctionCatalog>(), appRoot);
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
        var app = builder.Build();
        app.MapFuncSync();
        return app;
    }
}

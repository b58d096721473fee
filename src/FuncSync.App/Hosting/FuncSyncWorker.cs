using FuncSync.Storage;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;

namespace FuncSync.Hosting;

/// <summary>Worker mode: the Functions host (Azure, a Functions container, or <c>func start</c>) started this process.
/// The host owns every trigger, checks function keys and routes HTTP through the ASP.NET Core integration; FuncSync
/// brings only its services.</summary>
public static class FuncSyncWorker
{
    public static async Task RunAsync(string[] args)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        if (!string.IsNullOrEmpty(builder.Configuration["FuncSync:StoragePrefix"]))
        {
            // The host listens on the queues the attributes name; a prefix would send every message past it.
            throw new InvalidOperationException("FuncSync:StoragePrefix is for local runs and tests; remove it under the Functions host.");
        }

        builder.Services.AddFuncSync(builder.Configuration);

        // The worker's spans and the host's invocation context join FuncSync's traces and metrics.
        builder.Services.AddOpenTelemetry().UseFunctionsWorkerDefaults();
        using var host = builder.Build();
        host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("FuncSync").LogInformation(
            "FuncSync starting in worker mode: the Functions host runs every trigger ({Queues} queues)", new StorageNames(string.Empty).Queues.Count());
        await host.RunAsync();
    }
}

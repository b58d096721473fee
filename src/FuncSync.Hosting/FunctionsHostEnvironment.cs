using Microsoft.Extensions.Configuration;

namespace FuncSync.Hosting;

/// <summary>How this process runs: as the isolated worker of an Azure Functions host, or on its own (local mode).</summary>
public enum FunctionsRunMode
{
    /// <summary>No Functions host: FuncSync's local runtime serves the HTTP functions and drives queue and timer triggers.</summary>
    Local,

    /// <summary>Started by the Functions host (Azure, a Functions container, or <c>func start</c>), which owns every trigger.</summary>
    Worker,
}

public static class FunctionsHostEnvironment
{
    /// <summary>The argument the Functions host starts a worker with: the gRPC address the worker connects back to.</summary>
    public const string HostEndpointArgument = "--functions-uri";

    /// <summary>The same address as the environment variable newer hosts set instead of the argument.</summary>
    public const string HostEndpointVariable = "Functions__Worker__HostEndpoint";

    /// <summary>Worker mode exactly when the host told this process where to connect; anything else runs locally.</summary>
    public static FunctionsRunMode Detect(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        return args.Any(a => a.StartsWith(HostEndpointArgument, StringComparison.Ordinal)) || !string.IsNullOrEmpty(environment(HostEndpointVariable))
            ? FunctionsRunMode.Worker
            : FunctionsRunMode.Local;
    }

    public static FunctionsRunMode Detect(IReadOnlyList<string> args) => Detect(args, Environment.GetEnvironmentVariable);

    /// <summary>Resolves a binding property's <c>%Setting%</c> reference the way the host does.</summary>
    public static string ResolveSetting(string value, IConfiguration configuration) => SettingReferences.Resolve(value, configuration);
}

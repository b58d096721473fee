using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace FuncSync.Hosting;

/// <summary>Tells whether the Azure Functions host runs this process as a custom handler.</summary>
public static class FunctionsHostEnvironment
{
    public const string CustomHandlerPortVariable = "FUNCTIONS_CUSTOMHANDLER_PORT";

    /// <summary>Overrides the run mode: true runs queue listeners and timers in-process even under the host.</summary>
    public const string RunTriggersKey = "FuncSync:RunTriggers";

    /// <summary>Set to true to declare functions without running anything: the publish step reads the catalog to
    /// write <c>function.json</c>, with no app settings at hand, so <c>%Setting%</c> references stay unresolved.</summary>
    public const string DescribeOnlyKey = "FuncSync:DescribeFunctionsOnly";

    /// <summary>The port the Functions host expects the handler on, or null when no host started this process.</summary>
    public static int? CustomHandlerPort => ParsePort(Environment.GetEnvironmentVariable(CustomHandlerPortVariable));

    /// <summary>True when this process must drive queue and timer triggers itself (no Functions host present),
    /// unless <see cref="RunTriggersKey"/> says otherwise.</summary>
    public static bool ShouldRunTriggers(IConfiguration configuration) => ShouldRunTriggers(configuration, CustomHandlerPort);

    public static bool IsDescribeOnly(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var value = configuration[DescribeOnlyKey];
        return !string.IsNullOrWhiteSpace(value)
            && (bool.TryParse(value, out var describeOnly)
                ? describeOnly
                : throw new InvalidOperationException($"Configuration value '{DescribeOnlyKey}' must be true or false."));
    }

    internal static bool ShouldRunTriggers(IConfiguration configuration, int? environmentPort)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var overrideValue = configuration[RunTriggersKey];
        if (!string.IsNullOrWhiteSpace(overrideValue))
        {
            return bool.TryParse(overrideValue, out var run)
                ? run
                : throw new InvalidOperationException($"Configuration value '{RunTriggersKey}' must be true or false.");
        }

        var port = ParsePort(configuration[CustomHandlerPortVariable]) ?? environmentPort;
        return port is null;
    }

    private static int? ParsePort(string? value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535 ? port : null;
}

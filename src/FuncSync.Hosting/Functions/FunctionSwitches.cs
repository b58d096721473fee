using Microsoft.Extensions.Configuration;

namespace FuncSync.Hosting.Functions;

/// <summary>The Functions host's own way to turn one function off, honoured the same way in local mode: the app setting
/// <c>AzureWebJobs.&lt;name&gt;.Disabled</c> set to <c>true</c> (or <c>1</c>) leaves the function's queue listener or
/// timer unstarted and its HTTP route unmapped, so it costs no storage request and answers nothing.</summary>
public static class FunctionSwitches
{
    public static string DisabledKey(string functionName) => $"AzureWebJobs.{functionName}.Disabled";

    /// <exception cref="InvalidOperationException">The setting is neither true, false, 1 nor 0: a typo must not leave a
    /// function running that the operator meant to stop, or stop one meant to run.</exception>
    public static bool IsDisabled(string functionName, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var key = DisabledKey(functionName);
        return configuration[key] switch
        {
            null or "" => false,
            "1" => true,
            "0" => false,
            var value when bool.TryParse(value, out var disabled) => disabled,
            var value => throw new InvalidOperationException($"Configuration value '{key}' = '{value}': use true or false."),
        };
    }
}

using Microsoft.Extensions.Configuration;

namespace FuncSync.Hosting;

/// <summary>Resolves <c>%Setting%</c> references the way the Functions host does for binding properties.</summary>
internal static class SettingReferences
{
    public static bool IsReference(string value) => value.Length > 2 && value[0] == '%' && value[^1] == '%';

    public static string Resolve(string value, IConfiguration configuration)
    {
        if (!IsReference(value))
        {
            return value;
        }

        var key = value[1..^1];
        var resolved = configuration[key];
        return string.IsNullOrWhiteSpace(resolved)
            ? throw new InvalidOperationException($"The app setting '{key}' referenced as '{value}' is not configured.")
            : resolved;
    }
}

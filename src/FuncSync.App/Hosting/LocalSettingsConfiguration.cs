using System.Text.Json;

namespace FuncSync.Hosting;

/// <summary>Reads the <c>Values</c> of a Functions-style <c>local.settings.json</c> into configuration,
/// the way Core Tools hands them to a function app as environment variables.</summary>
public static class LocalSettingsConfiguration
{
    public static IConfigurationBuilder AddLocalSettingsJson(this IConfigurationBuilder builder, string path)
    {
        if (!File.Exists(path))
        {
            return builder;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (!document.RootElement.TryGetProperty("Values", out var values) || values.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{path} has no \"Values\" object.");
        }

        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var value in values.EnumerateObject())
        {
            // App settings use "__" for nesting, as environment variables do.
            settings[value.Name.Replace("__", ":", StringComparison.Ordinal)] = value.Value.ValueKind == JsonValueKind.String ? value.Value.GetString() : value.Value.GetRawText();
        }

        return builder.AddInMemoryCollection(settings);
    }
}

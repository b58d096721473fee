using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;

namespace FuncSync.Hosting;

public static class HostJsonConfigurationExtensions
{
    /// <summary>The configuration section the Functions host maps host.json into.</summary>
    public const string SectionName = "AzureFunctionsJobHost";

    /// <summary>Loads host.json into the <c>AzureFunctionsJobHost</c> section, as the Functions host does.
    /// The source is inserted first, so every other source (appsettings, environment variables such as
    /// <c>AzureFunctionsJobHost__extensions__queues__maxDequeueCount</c>) overrides it, as on the host.</summary>
    public static IConfigurationBuilder AddFunctionsHostJson(this IConfigurationBuilder builder, string path, bool optional = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);

        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (File.Exists(path))
        {
            var options = new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
            using var document = JsonDocument.Parse(File.ReadAllText(path), options);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidOperationException($"host.json at '{path}' must contain a JSON object.");
            }

            Flatten(document.RootElement, SectionName, values);
        }
        else if (!optional)
        {
            throw new FileNotFoundException($"host.json was not found at '{path}'.", path);
        }

        builder.Sources.Insert(0, new MemoryConfigurationSource { InitialData = values });
        return builder;
    }

    private static void Flatten(JsonElement element, string prefix, Dictionary<string, string?> values)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Flatten(property.Value, prefix + ConfigurationPath.KeyDelimiter + property.Name, values);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, prefix + ConfigurationPath.KeyDelimiter + index.ToString(CultureInfo.InvariantCulture), values);
                    index++;
                }

                break;
            case JsonValueKind.String:
                values[prefix] = element.GetString();
                break;
            case JsonValueKind.Null:
                values[prefix] = null;
                break;
            default:
                values[prefix] = element.GetRawText();
                break;
        }
    }
}

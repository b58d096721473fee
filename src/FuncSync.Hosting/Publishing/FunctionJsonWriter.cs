using System.Text.Json;
using System.Text.Json.Nodes;
using FuncSync.Hosting.Functions;
using FuncSync.Hosting.Invocation;

namespace FuncSync.Hosting.Publishing;

/// <summary>Writes the <c>{FunctionName}/function.json</c> files the Functions host reads, from the functions
/// declared once in code. Nothing else declares bindings, so code and deployment cannot drift apart.</summary>
public static class FunctionJsonWriter
{
    public const string FileName = "function.json";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The function.json document for <paramref name="function"/>. <c>%Setting%</c> references are
    /// kept as they are: the Functions host resolves them from app settings when it indexes the function.</summary>
    public static JsonObject Describe(FunctionMetadata function)
    {
        ArgumentNullException.ThrowIfNull(function);
        JsonArray bindings = function.Trigger switch
        {
            // One httpTrigger in and one http out, nothing else: only then does the host proxy the raw
            // request to the handler (enableProxyingHttpRequest), which the webhook HMAC check needs.
            HttpFunctionTrigger http =>
            [
                new JsonObject
                {
                    ["type"] = "httpTrigger",
                    ["direction"] = "in",
                    ["name"] = "req",
                    ["authLevel"] = AuthLevel(http.AuthLevel),
                    ["methods"] = new JsonArray([.. http.Methods.Select(m => (JsonNode)m.ToLowerInvariant())]),
                    ["route"] = http.Route,
                },
                new JsonObject { ["type"] = "http", ["direction"] = "out", ["name"] = "res" },
            ],
            QueueFunctionTrigger queue =>
            [
                new JsonObject
                {
                    ["type"] = "queueTrigger",
                    ["direction"] = "in",
                    ["name"] = InvocationEnvelope.QueueBindingName,
                    ["queueName"] = queue.QueueName,
                    ["connection"] = queue.Connection,
                },
            ],
            TimerFunctionTrigger timer =>
            [
                new JsonObject
                {
                    ["type"] = "timerTrigger",
                    ["direction"] = "in",
                    ["name"] = InvocationEnvelope.TimerBindingName,
                    ["schedule"] = timer.Schedule,
                    ["runOnStartup"] = timer.RunOnStartup,
                    ["useMonitor"] = timer.UseMonitor,
                },
            ],
            _ => throw new NotSupportedException($"Function '{function.Name}' has a trigger ({function.Trigger.GetType().Name}) that has no function.json form."),
        };

        return new JsonObject { ["bindings"] = bindings };
    }

    /// <summary>Writes one folder per function under <paramref name="appRoot"/> and removes the folders of
    /// functions no longer declared (any direct subfolder holding a function.json), so a renamed function
    /// does not linger in the package. Returns the files written, in catalog order.</summary>
    public static IReadOnlyList<string> WriteAll(IFunctionCatalog catalog, string appRoot)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrWhiteSpace(appRoot);
        Directory.CreateDirectory(appRoot);

        var declared = catalog.Functions.Select(f => f.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var folder in Directory.EnumerateDirectories(appRoot))
        {
            if (File.Exists(Path.Combine(folder, FileName)) && !declared.Contains(Path.GetFileName(folder)))
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        var written = new List<string>(catalog.Functions.Count);
        foreach (var function in catalog.Functions)
        {
            var folder = Path.Combine(appRoot, function.Name);
            Directory.CreateDirectory(folder);
            var path = Path.Combine(folder, FileName);
            File.WriteAllText(path, Describe(function).ToJsonString(Indented) + "\n");
            written.Add(path);
        }

        return written;
    }

    private static string AuthLevel(FunctionAuthLevel level) => level switch
    {
        FunctionAuthLevel.Anonymous => "anonymous",
        FunctionAuthLevel.Function => "function",
        FunctionAuthLevel.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Unknown auth level."),
    };
}

using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FuncSync.Hosting;
using FuncSync.Hosting.Functions;
using FuncSync.Hosting.Publishing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.App.Tests.Hosting;

/// <summary>What eng/package.sh puts next to the executable: the function.json set from the real catalog
/// (the same code path as <c>FuncSync.App --write-functions</c>) and the repository's host.json.</summary>
public sealed partial class FunctionPackageTests : IDisposable
{
    private static readonly string[] AuthLevels = ["anonymous", "function", "admin"];

    private readonly string _root = Path.Combine(Path.GetTempPath(), "funcsync-package-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void WriteFunctions_RealCatalog_OneValidFunctionJsonPerFunctionAndNoStrays()
    {
        Directory.CreateDirectory(Path.Combine(_root, "RemovedFunction"));
        File.WriteAllText(Path.Combine(_root, "RemovedFunction", FunctionJsonWriter.FileName), """{"bindings":[]}""");

        FuncSyncHost.WriteFunctions(_root);

        var declared = RunningCatalog();
        Assert.NotEmpty(declared);
        var folders = Directory.EnumerateFiles(_root, FunctionJsonWriter.FileName, SearchOption.AllDirectories)
            .Select(f => Path.GetFileName(Path.GetDirectoryName(f))!)
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(declared.Select(f => f.Name).Order(StringComparer.Ordinal), folders);

        foreach (var function in declared)
        {
            var json = JsonNode.Parse(File.ReadAllText(Path.Combine(_root, function.Name, FunctionJsonWriter.FileName)))!.AsObject();
            AssertValid(function, json);
        }
    }

    [Fact]
    public void HostJson_Package_RunsTheAppAsCustomHandlerWithProxyingAndBundle4()
    {
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "host.json")))!;

        Assert.Equal("2.0", (string?)host["version"]);
        var handler = host["customHandler"]!;
        Assert.Equal(typeof(FuncSyncHost).Assembly.GetName().Name, (string?)handler["description"]!["defaultExecutablePath"]);
        Assert.True((bool)handler["enableProxyingHttpRequest"]!);
        Assert.Equal("Microsoft.Azure.Functions.ExtensionBundle", (string?)host["extensionBundle"]!["id"]);
        Assert.Equal("[4.*, 5.0.0)", (string?)host["extensionBundle"]!["version"]);

        // The app maps its HTTP endpoints under /api: the proxied path must match.
        Assert.Equal("api", (string?)host["extensions"]!["http"]!["routePrefix"]);
        var queues = host["extensions"]!["queues"]!;
        Assert.Equal(5, (int)queues["maxDequeueCount"]!);
        Assert.Equal("base64", (string?)queues["messageEncoding"]);
    }

    /// <summary>The catalog as the app builds it to run, with every setting it needs, so the test compares
    /// the publish path with what actually runs.</summary>
    private static IReadOnlyList<FunctionMetadata> RunningCatalog()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                [FunctionsHostEnvironment.RunTriggersKey] = "false",
                ["Etsy:PollSchedule"] = "0 * * * * *",
            })
            .Build();
        var services = new ServiceCollection();
        services.AddFuncSync(configuration);
        using var provider = services.BuildServiceProvider();
        return [.. provider.GetRequiredService<IFunctionCatalog>().Functions];
    }

    /// <summary>Checks a function.json against the Functions host's rules, independently of the writer.</summary>
    private static void AssertValid(FunctionMetadata function, JsonObject json)
    {
        Assert.Equal(["bindings"], json.Select(p => p.Key));
        var bindings = json["bindings"]!.AsArray().Select(b => b!.AsObject()).ToList();
        var trigger = Assert.Single(bindings, b => ((string?)b["type"])!.EndsWith("Trigger", StringComparison.Ordinal));
        Assert.Equal("in", (string?)trigger["direction"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)trigger["name"]));
        switch (function.Trigger)
        {
            case HttpFunctionTrigger http:
                // Exactly httpTrigger + http out: anything more and the host stops proxying the raw body.
                Assert.Equal(2, bindings.Count);
                Assert.Equal("httpTrigger", (string?)trigger["type"]);
                Assert.Contains((string?)trigger["authLevel"], AuthLevels);
                Assert.Equal(http.Route, (string?)trigger["route"]);
                Assert.NotEmpty(trigger["methods"]!.AsArray());
                Assert.Single(bindings, b => (string?)b["type"] == "http" && (string?)b["direction"] == "out");
                break;
            case QueueFunctionTrigger:
                Assert.Single(bindings);
                Assert.Equal("queueTrigger", (string?)trigger["type"]);
                Assert.Matches(QueueName(), (string?)trigger["queueName"]);
                Assert.Equal("AzureWebJobsStorage", (string?)trigger["connection"]);
                break;
            case TimerFunctionTrigger:
                Assert.Single(bindings);
                Assert.Equal("timerTrigger", (string?)trigger["type"]);
                var schedule = (string?)trigger["schedule"];
                Assert.True(
                    SettingReference().IsMatch(schedule!) || schedule!.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6,
                    $"{function.Name}: '{schedule}' is neither a %Setting% reference nor six-field NCRONTAB");
                break;
            default:
                Assert.Fail($"{function.Name} has an unexpected trigger {function.Trigger}");
                break;
        }
    }

    // Storage queue names: 3-63 lower-case letters, digits and single hyphens, no hyphen at either end.
    [GeneratedRegex("^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex QueueName();

    // The host resolves %name% from configuration, where app setting Etsy__PollSchedule is Etsy:PollSchedule.
    [GeneratedRegex("^%[A-Za-z0-9_.:]+%$")]
    private static partial Regex SettingReference();
}

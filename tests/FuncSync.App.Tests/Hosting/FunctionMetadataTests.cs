using System.Net;
using System.Reflection;
using System.Text.Json.Nodes;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Hosting;
using FuncSync.Hosting.Functions;
using FuncSync.Skus;
using FuncSync.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FuncSync.App.Tests.Hosting;

/// <summary>One source of truth: the <c>functions.metadata</c> the Worker SDK generated for this build (what the Functions
/// host runs) against what the local runtime serves in the running app. A function added to one mode only fails here.</summary>
[Collection(AzuriteTests.Name)]
public sealed class FunctionMetadataTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task LocalRuntime_ServesExactlyTheGeneratedFunctions()
    {
        var generated = GeneratedFunctions();

        // Every channel on: a channel that is off serves none of its functions (ChannelFunctionSwitchesTests).
        await using var app = await FuncSyncTestApp.StartAsync(
            azurite,
            squareOptions: new(),
            wooCommerceOptions: new(),
            amazonOptions: new(),
            ebayOptions: new());
        var served = app.App.Services.GetRequiredService<IFunctionCatalog>().Functions.ToDictionary(f => f.Name, StringComparer.Ordinal);
        Assert.Equal(generated.Keys.Order(StringComparer.Ordinal), served.Keys.Order(StringComparer.Ordinal));

        var endpoints = app.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api/", StringComparison.Ordinal))
            .ToList();
        var triggers = app.App.Services.GetServices<IHostedService>().OfType<ILocalTrigger>().ToDictionary(t => t.Declared.Name, StringComparer.Ordinal);
        var configuration = app.App.Services.GetRequiredService<IConfiguration>();
        foreach (var (name, trigger) in generated)
        {
            switch ((string)trigger["type"]!)
            {
                case "httpTrigger":
                    var endpoint = Assert.Single(endpoints, e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName == name);
                    Assert.Equal("/api/" + (string)trigger["route"]!, endpoint.RoutePattern.RawText);
                    Assert.Equal(
                        trigger["methods"]!.AsArray().Select(m => ((string)m!).ToUpperInvariant()).Order(StringComparer.Ordinal),
                        endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Order(StringComparer.Ordinal));
                    var http = Assert.IsType<HttpFunctionTrigger>(served[name].Trigger);
                    Assert.Equal((string)trigger["authLevel"]!, http.AuthLevel.ToString());
                    Assert.DoesNotContain(name, triggers.Keys);
                    await AssertAuthLevelEnforcedAsync(app, endpoint, http.AuthLevel);
                    break;
                case "queueTrigger":
                    Assert.Equal(app.Names.Queue((string)trigger["queueName"]!), triggers[name].Source);
                    Assert.Equal(FunctionsHostingExtensions.StorageConnectionKey, (string)trigger["connection"]!);
                    Assert.DoesNotContain(endpoints, e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName == name);
                    break;
                case "timerTrigger":
                    var schedule = (string)trigger["schedule"]!;
                    Assert.Equal(Assert.IsType<TimerFunctionTrigger>(served[name].Trigger).Schedule, schedule);
                    Assert.Equal(FunctionsHostEnvironment.ResolveSetting(schedule, configuration), triggers[name].Source);
                    Assert.DoesNotContain(endpoints, e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName == name);
                    break;
                default:
                    Assert.Fail($"{name}: unexpected trigger {trigger["type"]}");
                    break;
            }
        }

        // Nothing below /api/ that is not a function: local mode adds no way in of its own there.
        Assert.Equal(generated.Count(g => (string)g.Value["type"]! == "httpTrigger"), endpoints.Count);
    }

    [Fact]
    public void Schedules_EverySettingTheFunctionsName_HasADefaultAndAnAppSettingInAzure()
    {
        var bicep = File.ReadAllText(Path.Combine(RepositoryRoot(), "infra", "main.bicep"));
        foreach (var (name, trigger) in GeneratedFunctions())
        {
            foreach (var value in new[] { (string?)trigger["schedule"], (string?)trigger["queueName"] })
            {
                if (value is { Length: > 2 } && value[0] == '%' && value[^1] == '%')
                {
                    var setting = value[1..^1];
                    Assert.True(FunctionSettings.Defaults.ContainsKey(setting), $"{name}: {setting} has no local default");
                    var appSetting = System.Text.RegularExpressions.Regex.Escape(setting.Replace(":", "__", StringComparison.Ordinal));
                    Assert.Matches($@"(?m)^\s*'?{appSetting}'?\s*:", bicep);
                }
            }
        }
    }

    [Fact]
    public void HostJson_KeepsTheQueueSettingsAndNoCustomHandler()
    {
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "host.json")))!.AsObject();

        Assert.Equal("2.0", (string?)host["version"]);
        Assert.False(host.ContainsKey("customHandler"));
        Assert.False(host.ContainsKey("extensionBundle"));
        Assert.Equal(HttpFunctionEndpoints.RoutePrefix, (string?)host["extensions"]!["http"]!["routePrefix"]);
        var queues = host["extensions"]!["queues"]!;
        Assert.Equal(5, (int)queues["maxDequeueCount"]!);
        Assert.Equal("base64", (string?)queues["messageEncoding"]);
    }

    /// <summary>Local mode's stand-in for the host's key check: a function-level function refuses a request without the
    /// key before it runs; an anonymous one never asks for it.</summary>
    private static async Task AssertAuthLevelEnforcedAsync(FuncSyncTestApp app, RouteEndpoint endpoint, AuthorizationLevel level)
    {
        var path = endpoint.RoutePattern.RawText!.Replace("{*path}", "index.html", StringComparison.Ordinal);
        path = System.Text.RegularExpressions.Regex.Replace(path, "{[^}]+}", "NO-SUCH-THING");
        var method = new HttpMethod(endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods[0]);
        using var anonymous = new HttpClient { BaseAddress = app.BaseUrl };
        using var request = new HttpRequestMessage(method, new Uri(path.TrimStart('/'), UriKind.Relative));
        if (method != HttpMethod.Get)
        {
            request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await anonymous.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        // A webhook may answer 401 itself (bad signature); only the key check names the key header.
        var keyRefused = response.StatusCode == HttpStatusCode.Unauthorized && body.Contains(AdminKeyFilter.Header, StringComparison.Ordinal);
        Assert.True(keyRefused == (level != AuthorizationLevel.Anonymous), $"{endpoint.RoutePattern.RawText} ({level}) answered {(int)response.StatusCode}: {body}");
    }

    /// <summary>Each function's trigger binding, from the functions.metadata the Worker SDK wrote into the app's build.</summary>
    internal static Dictionary<string, JsonObject> GeneratedFunctions()
    {
        var path = typeof(FunctionMetadataTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "FunctionsMetadata").Value!;
        var functions = JsonNode.Parse(File.ReadAllText(path))!.AsArray();
        Assert.NotEmpty(functions);
        return functions.ToDictionary(
            f => (string)f!["name"]!,
            f => Assert.Single(f!["bindings"]!.AsArray(), b => ((string)b!["type"]!).EndsWith("Trigger", StringComparison.Ordinal))!.AsObject(),
            StringComparer.Ordinal);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FuncSync.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("The repository root was not found above the test output.");
    }
}

using System.Reflection;
using System.Text.Json;

namespace FuncSync.App.Tests.Architecture;

/// <summary>What the deployed package loads: the app's deps.json (written by the build, copied as-is by
/// <c>dotnet publish</c> into the zip) lists every assembly the worker resolves. The simulators and the demo are for
/// local runs, the tests and the benchmarks; they must not ship.</summary>
public sealed class PackageContentsTests
{
    [Fact]
    public void AppDependencies_DoNotIncludeTheSimulatorsOrTheDemo()
    {
        var libraries = AppLibraries();

        // The app's own project references are listed, so a missing one below means it is really absent.
        Assert.Contains("FuncSync.Hosting", libraries);
        Assert.Contains("FuncSync.Domain", libraries);
        Assert.DoesNotContain("FuncSync.Simulators", libraries);
        Assert.DoesNotContain("FuncSync.Demo", libraries);
    }

    [Fact]
    public void AppAssembly_ReferencesNeitherTheSimulatorsNorTheDemo()
    {
        var referenced = typeof(FuncSyncHost).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();

        Assert.Contains("FuncSync.Hosting", referenced);
        Assert.DoesNotContain("FuncSync.Simulators", referenced);
        Assert.DoesNotContain("FuncSync.Demo", referenced);
    }

    private static HashSet<string> AppLibraries()
    {
        var path = typeof(PackageContentsTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "AppDepsJson").Value!;
        using var deps = JsonDocument.Parse(File.ReadAllBytes(path));
        // "libraries": { "FuncSync.Hosting/1.0.0": { "type": "project", ... }, "Azure.Core/1.44.1": { ... } }
        return [.. deps.RootElement.GetProperty("libraries").EnumerateObject().Select(l => l.Name.Split('/')[0])];
    }
}

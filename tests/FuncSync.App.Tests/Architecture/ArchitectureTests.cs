using FuncSync.Channels;
using NetArchTest.Rules;

namespace FuncSync.App.Tests.Architecture;

/// <summary>The shape the build keeps: a channel's types stay in its folder, and the domain depends on nothing.</summary>
public sealed class ArchitectureTests
{
    private static readonly System.Reflection.Assembly App = typeof(ChannelModules).Assembly;

    public static TheoryData<string> ChannelNamespaces() => [.. ChannelModules.All.Select(m => m.GetType().Namespace!)];

    /// <summary>Only the channel list names a module. Anything a shared feature needs from a channel goes through a
    /// capability interface of <c>Channels/</c>.</summary>
    [Theory]
    [MemberData(nameof(ChannelNamespaces))]
    public void ChannelTypes_UsedOnlyInsideTheirChannel(string channel)
    {
        var result = Types.InAssembly(App)
            .That().DoNotResideInNamespace(channel)
            .And().DoNotHaveName(nameof(ChannelModules))
            // The Worker SDK's generated executor invokes every function by its class.
            .And().DoNotHaveName("DirectFunctionExecutor")
            .ShouldNot().HaveDependencyOn(channel)
            .GetResult();

        Assert.True(result.IsSuccessful, $"Outside {channel}, these use its types: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Fact]
    public void Domain_ReferencesNothingButTheRuntime()
    {
        var domain = typeof(Domain.Channel).Assembly;

        var references = domain.GetReferencedAssemblies().Select(a => a.Name!).Where(n => n != "netstandard" && n != "System" && !n.StartsWith("System.", StringComparison.Ordinal));
        var result = Types.InAssembly(domain).ShouldNot().HaveDependencyOnAny("Azure", "Microsoft", "FuncSync.Hosting", "FuncSync.Simulators", "FuncSync.Channels").GetResult();

        Assert.Empty(references);
        Assert.True(result.IsSuccessful, $"Domain types with outside dependencies: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }
}

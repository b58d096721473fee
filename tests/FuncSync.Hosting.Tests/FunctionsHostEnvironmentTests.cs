using Microsoft.Extensions.Configuration;

namespace FuncSync.Hosting.Tests;

public sealed class FunctionsHostEnvironmentTests
{
    [Theory]
    [InlineData(null, null, true)]
    [InlineData("7071", null, false)]
    [InlineData("7071", "true", true)]
    [InlineData(null, "false", false)]
    public void ShouldRunTriggers_PortAndOverride_DecidesRunMode(string? port, string? runTriggers, bool expected)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                [FunctionsHostEnvironment.CustomHandlerPortVariable] = port,
                [FunctionsHostEnvironment.RunTriggersKey] = runTriggers,
            })
            .Build();

        Assert.Equal(expected, FunctionsHostEnvironment.ShouldRunTriggers(configuration, environmentPort: null));
    }

    [Fact]
    public void ShouldRunTriggers_PortOnlyInProcessEnvironment_LeavesTriggersToTheHost() =>
        Assert.False(FunctionsHostEnvironment.ShouldRunTriggers(new ConfigurationBuilder().Build(), environmentPort: 40123));

    [Fact]
    public void ShouldRunTriggers_OverrideNotBoolean_Throws()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [FunctionsHostEnvironment.RunTriggersKey] = "sometimes" })
            .Build();

        Assert.Throws<InvalidOperationException>(() => FunctionsHostEnvironment.ShouldRunTriggers(configuration));
    }
}

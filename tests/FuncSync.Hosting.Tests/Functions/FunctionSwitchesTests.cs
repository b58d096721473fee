using FuncSync.Hosting.Queues;
using FuncSync.Hosting.Tests.Infrastructure;
using FuncSync.Hosting.Timers;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.Hosting.Tests.Functions;

/// <summary>The Functions host's <c>AzureWebJobs.&lt;name&gt;.Disabled</c>, honoured in local mode.</summary>
public sealed class FunctionSwitchesTests
{
    // Nothing here is started: the listeners are only resolved, which reaches no storage.
    private const string NoStorage = "UseDevelopmentStorage=true";

    [Theory]
    [InlineData("true")]
    [InlineData("True")]
    [InlineData("1")]
    public async Task Disabled_QueueAndTimerFunctions_NoListenerAndNotInTheCatalog(string value)
    {
        await using var host = TestHost.Create(
            NoStorage,
            f => f.AddQueueFunction<RecordingQueueFunction>("Off", "off-queue")
                .AddQueueFunction<RecordingQueueFunction>("On", "on-queue")
                .AddTimerFunction<RecordingQueueFunction>("OffTimer", "0 * * * * *"),
            new Dictionary<string, string?> { ["AzureWebJobs.Off.Disabled"] = value, ["AzureWebJobs.OffTimer.Disabled"] = value });

        var listener = Assert.Single(host.HostedServices<QueueListener>());
        Assert.Equal("on-queue", listener.QueueName);
        Assert.Empty(host.HostedServices<TimerListener>());
        Assert.Equal(["On"], host.Services.GetRequiredService<IFunctionCatalog>().Functions.Select(f => f.Name));
    }

    [Theory]
    [InlineData("false")]
    [InlineData("0")]
    [InlineData("")]
    public async Task NotDisabled_FunctionServed(string value)
    {
        await using var host = TestHost.Create(
            NoStorage,
            f => f.AddQueueFunction<RecordingQueueFunction>("On", "on-queue"),
            new Dictionary<string, string?> { ["AzureWebJobs.On.Disabled"] = value });

        Assert.Single(host.HostedServices<QueueListener>());
    }

    [Fact]
    public void Misspelt_Value_RefusedAtStart()
    {
        var refused = Assert.Throws<InvalidOperationException>(() => TestHost.Create(
            NoStorage,
            f => f.AddQueueFunction<RecordingQueueFunction>("On", "on-queue"),
            new Dictionary<string, string?> { ["AzureWebJobs.On.Disabled"] = "yes" }));
        Assert.Contains("AzureWebJobs.On.Disabled", refused.Message, StringComparison.Ordinal);
    }
}

using System.Text.Json.Nodes;
using FuncSync.Hosting.Functions;
using FuncSync.Hosting.Publishing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.Hosting.Tests.Publishing;

public sealed class FunctionJsonWriterTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "funcsync-fjw-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void Describe_QueueFunction_OneQueueTriggerNamedAsTheEnvelopeExpects()
    {
        var json = FunctionJsonWriter.Describe(new FunctionMetadata("ApplyLedger", new QueueFunctionTrigger("inventory-events"), typeof(object)));

        var binding = Assert.Single(Bindings(json));
        Assert.Equal("queueTrigger", (string?)binding["type"]);
        Assert.Equal("in", (string?)binding["direction"]);
        Assert.Equal("message", (string?)binding["name"]);
        Assert.Equal("inventory-events", (string?)binding["queueName"]);
        Assert.Equal("AzureWebJobsStorage", (string?)binding["connection"]);
    }

    [Fact]
    public void Describe_TimerWithSettingReference_KeepsTheReferenceForTheHost()
    {
        var json = FunctionJsonWriter.Describe(new FunctionMetadata("Poll", new TimerFunctionTrigger("%Etsy:PollSchedule%"), typeof(object)));

        var binding = Assert.Single(Bindings(json));
        Assert.Equal("timerTrigger", (string?)binding["type"]);
        Assert.Equal("timer", (string?)binding["name"]);
        Assert.Equal("%Etsy:PollSchedule%", (string?)binding["schedule"]);
        Assert.False((bool)binding["runOnStartup"]!);
        Assert.True((bool)binding["useMonitor"]!);
    }

    [Theory]
    [InlineData(FunctionAuthLevel.Anonymous, "anonymous")]
    [InlineData(FunctionAuthLevel.Function, "function")]
    [InlineData(FunctionAuthLevel.Admin, "admin")]
    public void Describe_HttpFunction_HttpInAndOutOnlySoTheHostProxiesIt(FunctionAuthLevel level, string expected)
    {
        var json = FunctionJsonWriter.Describe(new FunctionMetadata("Hook", new HttpFunctionTrigger("webhooks/shop", ["POST"], level), null));

        var bindings = Bindings(json);
        Assert.Equal(2, bindings.Count);
        Assert.Equal("httpTrigger", (string?)bindings[0]["type"]);
        Assert.Equal(expected, (string?)bindings[0]["authLevel"]);
        Assert.Equal("webhooks/shop", (string?)bindings[0]["route"]);
        Assert.Equal(["post"], bindings[0]["methods"]!.AsArray().Select(m => (string?)m));
        Assert.Equal("http", (string?)bindings[1]["type"]);
        Assert.Equal("out", (string?)bindings[1]["direction"]);
    }

    [Fact]
    public void WriteAll_StrayFunctionFolder_RemovedAndOtherFoldersKept()
    {
        Directory.CreateDirectory(Path.Combine(_root, "Renamed"));
        File.WriteAllText(Path.Combine(_root, "Renamed", FunctionJsonWriter.FileName), "{}");
        Directory.CreateDirectory(Path.Combine(_root, "Demo"));
        File.WriteAllText(Path.Combine(_root, "Demo", "catalog.csv"), "sku");

        var written = FunctionJsonWriter.WriteAll(Catalog(), _root);

        Assert.Equal(2, written.Count);
        Assert.False(Directory.Exists(Path.Combine(_root, "Renamed")));
        Assert.True(File.Exists(Path.Combine(_root, "Demo", "catalog.csv")));
        Assert.Equal(
            ["ApplyLedger", "Poll"],
            Directory.EnumerateFiles(_root, FunctionJsonWriter.FileName, SearchOption.AllDirectories).Select(f => Path.GetFileName(Path.GetDirectoryName(f))).Order());
    }

    [Fact]
    public void WriteAll_Twice_SameBytes()
    {
        FunctionJsonWriter.WriteAll(Catalog(), _root);
        var first = File.ReadAllText(Path.Combine(_root, "Poll", FunctionJsonWriter.FileName));

        FunctionJsonWriter.WriteAll(Catalog(), _root);

        Assert.Equal(first, File.ReadAllText(Path.Combine(_root, "Poll", FunctionJsonWriter.FileName)));
    }

    [Fact]
    public void AddTimerFunction_DescribeOnlyAndSettingMissing_DeclaredWithoutResolving()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [FunctionsHostEnvironment.DescribeOnlyKey] = "true" })
            .Build();
        var services = new ServiceCollection();

        var builder = services.AddFunctionsHosting(configuration).AddTimerFunction<NoopTimer>("Poll", "%Missing:Schedule%");

        Assert.False(builder.RunTriggers);
        var function = Assert.Single(services.BuildServiceProvider().GetRequiredService<IFunctionCatalog>().Functions);
        Assert.Equal("%Missing:Schedule%", Assert.IsType<TimerFunctionTrigger>(function.Trigger).Schedule);
    }

    [Fact]
    public void AddTimerFunction_RunningAndSettingMissing_FailsAtDeclaration()
    {
        var services = new ServiceCollection();
        var builder = services.AddFunctionsHosting(new ConfigurationBuilder().Build());

        Assert.Throws<InvalidOperationException>(() => builder.AddTimerFunction<NoopTimer>("Poll", "%Missing:Schedule%"));
    }

    private static List<JsonObject> Bindings(JsonObject json) => [.. json["bindings"]!.AsArray().Select(b => b!.AsObject())];

    private static IFunctionCatalog Catalog()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [FunctionsHostEnvironment.DescribeOnlyKey] = "true" })
            .Build();
        var services = new ServiceCollection();
        services.AddFunctionsHosting(configuration)
            .AddQueueFunction<NoopQueue>("ApplyLedger", "inventory-events")
            .AddTimerFunction<NoopTimer>("Poll", "%Etsy:PollSchedule%");
        return services.BuildServiceProvider().GetRequiredService<IFunctionCatalog>();
    }

    private sealed class NoopQueue : IQueueFunction
    {
        public Task RunAsync(QueueTriggerMessage message, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class NoopTimer : ITimerFunction
    {
        public Task RunAsync(TimerTriggerInfo timer, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

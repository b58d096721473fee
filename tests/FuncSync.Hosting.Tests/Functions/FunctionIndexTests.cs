using FuncSync.Hosting.Functions;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.Hosting.Tests.Functions;

public sealed class FunctionIndexTests
{
    [Fact]
    public void Read_TriggerAttributes_DescribeEachFunction()
    {
        var functions = FunctionIndex.Read([typeof(SampleFunctions)]).ToDictionary(f => f.Name);

        var http = Assert.IsType<HttpFunctionTrigger>(functions["GetThing"].Trigger);
        Assert.Equal("things/{id}", http.Route);
        Assert.Equal(["get", "put"], http.Methods);
        Assert.Equal(AuthorizationLevel.Function, http.AuthLevel);

        var queue = Assert.IsType<QueueFunctionTrigger>(functions["OnThing"].Trigger);
        Assert.Equal("things", queue.QueueName);
        Assert.Equal("AzureWebJobsStorage", queue.Connection);

        var timer = Assert.IsType<TimerFunctionTrigger>(functions["Tick"].Trigger);
        Assert.Equal("%Tick:Schedule%", timer.Schedule);
        Assert.True(timer.RunOnStartup);
        Assert.Equal(3, functions.Count);
    }

    [Fact]
    public void Read_HttpTriggerWithoutRoute_UsesTheFunctionNameAsTheHostDoes()
    {
        var http = Assert.IsType<HttpFunctionTrigger>(Assert.Single(FunctionIndex.Read([typeof(NoRoute)])).Trigger);
        Assert.Equal("NoRoute", http.Route);
        Assert.Empty(http.Methods);
    }

    [Theory]
    [InlineData(typeof(TwoTriggers), "exactly one trigger")]
    [InlineData(typeof(WrongHttpResult), "returns IResult")]
    [InlineData(typeof(ServiceParameter), "cannot be bound in both run modes")]
    [InlineData(typeof(DuplicateNames), "declared twice")]
    public void Read_FunctionOnlyOneModeCouldRun_ThrowsAtStartUp(Type type, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() => FunctionIndex.Read([type]));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_BindsTriggerBindingDataByNameAndToken()
    {
        var function = Assert.Single(FunctionIndex.Read([typeof(Echo)]));
        using var cancel = new CancellationTokenSource();
        using var services = new ServiceCollection().BuildServiceProvider();

        var result = await FunctionInvoker.InvokeAsync(
            function, services, "body", new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase) { ["Id"] = "m1", ["DequeueCount"] = 2L }, cancel.Token);

        Assert.Null(result);
        Assert.Equal(("body", "m1", 2L, cancel.Token), Echo.Last);
    }

    public sealed class SampleFunctions
    {
        [Function("GetThing")]
        public static IResult Get([HttpTrigger(AuthorizationLevel.Function, "GET", "put", Route = "/things/{id}")] HttpRequest request, string id) => Results.Ok(id);

        [Function("OnThing")]
        public static Task OnThing([QueueTrigger("things", Connection = "AzureWebJobsStorage")] string message) => Task.CompletedTask;

        [Function("Tick")]
        public static Task Tick([TimerTrigger("%Tick:Schedule%", RunOnStartup = true)] TimerInfo timer, CancellationToken cancellationToken) => Task.CompletedTask;

        public static Task NotAFunction() => Task.CompletedTask;
    }

    public sealed class NoRoute
    {
        [Function("NoRoute")]
        public static IResult Run([HttpTrigger(AuthorizationLevel.Anonymous)] HttpRequest request) => Results.Ok();
    }

    public sealed class TwoTriggers
    {
        [Function("Two")]
        public static Task Run([QueueTrigger("a")] string a, [QueueTrigger("b")] string b) => Task.CompletedTask;
    }

    public sealed class WrongHttpResult
    {
        [Function("Wrong")]
        public static string Run([HttpTrigger(AuthorizationLevel.Anonymous, "get")] HttpRequest request) => "text";
    }

    public sealed class ServiceParameter
    {
        [Function("Service")]
        public static Task Run([QueueTrigger("a")] string message, IServiceProvider services) => Task.CompletedTask;
    }

    public sealed class DuplicateNames
    {
        [Function("Same")]
        public static Task One([QueueTrigger("a")] string message) => Task.CompletedTask;

        [Function("same")]
        public static Task Two([QueueTrigger("b")] string message) => Task.CompletedTask;
    }

    public sealed class Echo
    {
        public static (string Message, string Id, long DequeueCount, CancellationToken Token)? Last { get; private set; }

        [Function("Echo")]
        public static Task Run([QueueTrigger("a")] string message, string id, long dequeueCount, string? missing, CancellationToken cancellationToken)
        {
            Assert.Null(missing);
            Last = (message, id, dequeueCount, cancellationToken);
            return Task.CompletedTask;
        }
    }
}

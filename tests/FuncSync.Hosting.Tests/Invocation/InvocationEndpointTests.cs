using System.Net;
using System.Text;
using System.Text.Json;
using FuncSync.Hosting.Functions;
using FuncSync.Hosting.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FuncSync.Hosting.Tests.Invocation;

/// <summary>Posts the Functions host's envelopes over real HTTP to a Kestrel-hosted handler.</summary>
public sealed class InvocationEndpointTests : IAsyncLifetime
{
    private readonly Probe _probe = new();
    private readonly Probe _failingProbe = new() { Throw = true };
    private static readonly HttpClient Client = new();
    private WebApplication? _app;
    private Uri? _baseAddress;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration[FunctionsHostEnvironment.CustomHandlerPortVariable] = "7071";
        builder.Configuration["AzureWebJobsStorage"] = "UseDevelopmentStorage=true";
        builder.Services.AddSingleton(_probe);
        builder.Services.AddKeyedSingleton("failing", _failingProbe);
        builder.Services.AddFunctionsHosting(builder.Configuration)
            .AddQueueFunction<RecordingQueueFunction>("ProcessOrder", "orders")
            .AddQueueFunction<FailingQueueFunction>("Broken", "broken")
            .AddTimerFunction<RecordingTimerFunction>("Tick", "0 */5 * * * *")
            .AddHttpFunction("Webhook", "webhooks/shopify", ["POST"], FunctionAuthLevel.Function);
        _app = builder.Build();
        _app.MapFunctionInvocations();
        await _app.StartAsync();
        _baseAddress = new Uri(_app.Urls.Single());
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Post_DocumentedQueueShape_DispatchesMessageAndReturnsJsonObject()
    {
        const string envelope = """
            {
              "Data": { "myQueueItem": "{ message: \"Message sent\" }" },
              "Metadata": {
                "DequeueCount": 1,
                "ExpirationTime": "2019-10-16T17:58:31+00:00",
                "Id": "800ae4b3-bdd2-4c08-badd-f08e5a34b865",
                "InsertionTime": "2019-10-09T17:58:31+00:00",
                "NextVisibleTime": "2019-10-09T18:08:32+00:00",
                "PopReceipt": "AgAAAAMAAAAAAAAAAgtnj8x+1QE=",
                "sys": { "MethodName": "QueueTrigger", "UtcNow": "2019-10-09T17:58:32.2205399Z", "RandGuid": "24ad4c06-24ad-4e5b-8294-3da9714877e9" }
              }
            }
            """;

        using var response = await PostAsync("/ProcessOrder", envelope);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(JsonValueKind.Object, body.RootElement.GetProperty("Outputs").ValueKind);
        var message = Assert.Single(_probe.Messages);
        Assert.Equal("{ message: \"Message sent\" }", message.Body);
        Assert.Equal("800ae4b3-bdd2-4c08-badd-f08e5a34b865", message.Id);
        Assert.Equal(1, message.DequeueCount);
        Assert.Equal(new DateTimeOffset(2019, 10, 9, 17, 58, 31, TimeSpan.Zero), message.InsertedOn);
    }

    [Fact]
    public async Task Post_DoubleEncodedQueueShape_UnwrapsValuesOnce()
    {
        const string envelope = """
            {
              "Data": { "message": "\"{\\\"sku\\\":\\\"A1\\\"}\"" },
              "Metadata": {
                "DequeueCount": "3",
                "Id": "\"088fb2b9-6d8a-4a43-bdd0-3ffbd8e0a6b2\"",
                "InsertionTime": "\"2026-01-01T10:00:00+00:00\"",
                "sys": { "MethodName": "ProcessOrder" }
              }
            }
            """;

        using var response = await PostAsync("/ProcessOrder", envelope);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var message = Assert.Single(_probe.Messages);
        Assert.Equal("""{"sku":"A1"}""", message.Body);
        Assert.Equal("088fb2b9-6d8a-4a43-bdd0-3ffbd8e0a6b2", message.Id);
        Assert.Equal(3, message.DequeueCount);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.Zero), message.InsertedOn);
    }

    [Fact]
    public async Task Post_TimerShape_DispatchesTimerInfoInUtc()
    {
        const string envelope = """
            {
              "Data": {
                "myTimer": {
                  "Schedule": { "AdjustForDST": true },
                  "ScheduleStatus": { "Last": "2026-01-01T00:00:00", "Next": "2026-01-01T00:05:00", "LastUpdated": "2026-01-01T00:00:00" },
                  "IsPastDue": true
                }
              },
              "Metadata": { "sys": { "MethodName": "Tick", "UtcNow": "2026-01-01T00:05:01Z", "RandGuid": "24ad4c06-24ad-4e5b-8294-3da9714877e9" } }
            }
            """;

        using var response = await PostAsync("/Tick", envelope);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new TimerTriggerInfo(true, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 1, 1, 0, 5, 0, TimeSpan.Zero)), Assert.Single(_probe.Timers));
    }

    [Fact]
    public async Task Post_TimerWithoutMonitor_PassesNullScheduleStatus()
    {
        const string envelope = """{"Data":{"timer":{"Schedule":{"AdjustForDST":true},"ScheduleStatus":null,"IsPastDue":false}},"Metadata":{"sys":{}}}""";

        using var response = await PostAsync("/Tick", envelope);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new TimerTriggerInfo(false, null, null), Assert.Single(_probe.Timers));
    }

    [Fact]
    public async Task Post_FunctionThrows_Returns500WithJsonObject()
    {
        using var response = await PostAsync("/Broken", """{"Data":{"message":"\"boom\""},"Metadata":{"DequeueCount":"1","Id":"\"x\""}}""");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(JsonValueKind.Object, body.RootElement.ValueKind);
        Assert.Equal("boom", Assert.Single(_failingProbe.Messages).Body);
    }

    [Theory]
    [InlineData("/NoSuchFunction")]
    [InlineData("/Webhook")]
    public async Task Post_NotAQueueOrTimerFunction_Returns404WithJsonObject(string path)
    {
        using var response = await PostAsync(path, """{"Data":{},"Metadata":{}}""");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(JsonValueKind.Object, body.RootElement.ValueKind);
    }

    [Fact]
    public void AddFunctionsHosting_UnderFunctionsHost_RegistersNoListeners()
    {
        var hosted = _app!.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>();

        Assert.DoesNotContain(hosted, s => s is Hosting.Queues.QueueListener or Hosting.Timers.TimerListener);
        Assert.Equal(["ProcessOrder", "Broken", "Tick", "Webhook"], _app.Services.GetRequiredService<IFunctionCatalog>().Functions.Select(f => f.Name));
    }

    private Task<HttpResponseMessage> PostAsync(string path, string json) =>
        Client.PostAsync(new Uri(_baseAddress!, path), new StringContent(json, Encoding.UTF8, "application/json"));

    private sealed class FailingQueueFunction([FromKeyedServices("failing")] Probe probe) : IQueueFunction
    {
        public Task RunAsync(QueueTriggerMessage message, CancellationToken cancellationToken) =>
            probe.RunAsync(() => probe.Messages.Enqueue(message));
    }
}

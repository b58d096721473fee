using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Domain.Ledger;
using FuncSync.Etsy;
using FuncSync.Json;
using FuncSync.Ledger;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Hosting;

/// <summary>The custom-handler contract against the real functions: POST /{FunctionName} with the envelope the
/// Functions host sends, in the documented shape and in the shape the host really sends (non-object values
/// JSON-encoded a second time), and the effect checked in Azurite.</summary>
[Collection(AzuriteTests.Name)]
public sealed class CustomHandlerContractTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset SoldAt = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Readiness_GetRoot_AnswersSuccess()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);

        using var response = await app.Http.GetAsync(new Uri("/", UriKind.Relative));

        Assert.True(response.IsSuccessStatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ApplyLedger_SaleEnvelope_LedgerRowChangesAndAnswersJsonObject(bool doubleEncoded)
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("CONTRACT-MUG-01", 10, 61);
        await app.LoadAsync(item);

        using var response = await PostAsync(app, ApplyLedgerFunction.Name, QueueEnvelope(Sale(item.Sku, 3), doubleEncoded));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await AssertJsonObjectAsync(response);
        Assert.Equal(7, await app.AvailableAsync(item.Sku));
    }

    [Fact]
    public async Task ApplyLedger_HostRedeliversTheSameMessage_AppliedOnce()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("CONTRACT-MUG-02", 10, 62);
        await app.LoadAsync(item);
        var message = Sale(item.Sku, 2);

        using var first = await PostAsync(app, ApplyLedgerFunction.Name, QueueEnvelope(message, doubleEncoded: true));
        using var again = await PostAsync(app, ApplyLedgerFunction.Name, QueueEnvelope(message, doubleEncoded: true, dequeueCount: 2));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(8, await app.AvailableAsync(item.Sku));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ApplyLedger_BodyNotAnEvent_Answers500JsonAndWritesNothing(bool doubleEncoded)
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("CONTRACT-MUG-03", 10, 63);
        await app.LoadAsync(item);
        var before = await app.Ledger.GetStockAsync(item.Sku, CancellationToken.None);

        using var response = await PostAsync(app, ApplyLedgerFunction.Name, QueueEnvelope("this is not an inventory event", doubleEncoded));

        // Non-2xx is what makes the host release the message for a retry and, at 5, poison it.
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = await AssertJsonObjectAsync(response);
        Assert.False(string.IsNullOrEmpty((string?)body["Error"]));
        var after = await app.Ledger.GetStockAsync(item.Sku, CancellationToken.None);
        Assert.Equal(before.ETag, after.ETag);
        Assert.Null((await app.Storage.Queue(app.Names.AlertsQueue).PeekMessageAsync()).Value);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task EtsyReceiptPoll_TimerEnvelope_Answers200AndTheSaleReachesTheLedger(bool withScheduleStatus)
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("CONTRACT-PRINT-01", 10, 64);
        await app.LoadAsync(item);
        Assert.NotNull(app.Etsy.PlaceOrder(item.EtsyListingId, item.Sku, 1));

        using var response = await PostAsync(app, EtsyReceiptPollFunction.Name, TimerEnvelope(withScheduleStatus));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await AssertJsonObjectAsync(response);
        await Eventually.WaitAsync(async () => await app.AvailableAsync(item.Sku) == 9, TimeSpan.FromSeconds(20), "the polled Etsy sale is in the ledger");
    }

    private static string Sale(string sku, int quantity) => JsonSerializer.Serialize(
        new InventoryEventReceived($"contract:{Guid.NewGuid():N}", InventoryEventKind.Sale, "shopify", null, sku, quantity, SoldAt, SoldAt, "contract test"),
        FuncSyncJson.Default.InventoryEventReceived);

    /// <summary>The queue-trigger envelope. Documented: values as they are. Real: the host runs every
    /// non-object value through JsonConvert.SerializeObject, so strings and numbers arrive as JSON text.</summary>
    private static string QueueEnvelope(string message, bool doubleEncoded, int dequeueCount = 1)
    {
        var id = Guid.NewGuid().ToString();
        const string inserted = "2026-03-02T10:00:01+00:00";
        JsonNode Value(string text) => doubleEncoded ? JsonSerializer.Serialize(text) : text;
        return new JsonObject
        {
            ["Data"] = new JsonObject { ["message"] = Value(message) },
            ["Metadata"] = new JsonObject
            {
                ["DequeueCount"] = doubleEncoded ? JsonValue.Create(dequeueCount.ToString(System.Globalization.CultureInfo.InvariantCulture)) : JsonValue.Create(dequeueCount),
                ["Id"] = Value(id),
                ["InsertionTime"] = Value(inserted),
                ["PopReceipt"] = Value("AgAAAAMAAAAAAAAA"),
                ["sys"] = new JsonObject { ["MethodName"] = ApplyLedgerFunction.Name, ["UtcNow"] = "2026-03-02T10:00:02Z", ["RandGuid"] = Guid.NewGuid().ToString() },
            },
        }.ToJsonString();
    }

    /// <summary>TimerInfo arrives as a real object; ScheduleStatus is null when useMonitor is off.</summary>
    private static string TimerEnvelope(bool withScheduleStatus) => new JsonObject
    {
        ["Data"] = new JsonObject
        {
            ["timer"] = new JsonObject
            {
                ["Schedule"] = new JsonObject { ["AdjustForDST"] = true },
                ["ScheduleStatus"] = withScheduleStatus
                    ? new JsonObject { ["Last"] = "2026-03-02T09:59:00", ["Next"] = "2026-03-02T10:00:00", ["LastUpdated"] = "2026-03-02T09:59:00" }
                    : null,
                ["IsPastDue"] = false,
            },
        },
        ["Metadata"] = new JsonObject { ["sys"] = new JsonObject { ["MethodName"] = EtsyReceiptPollFunction.Name, ["UtcNow"] = "2026-03-02T10:00:00Z" } },
    }.ToJsonString();

    private static async Task<HttpResponseMessage> PostAsync(FuncSyncTestApp app, string functionName, string envelope)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(functionName, UriKind.Relative))
        {
            Content = new StringContent(envelope, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Azure-Functions-InvocationId", Guid.NewGuid().ToString());
        return await app.Http.SendAsync(request);
    }

    /// <summary>The host fails an invocation whose body is not a JSON object, whatever the status.</summary>
    private static async Task<JsonObject> AssertJsonObjectAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync());
        return Assert.IsType<JsonObject>(body);
    }
}

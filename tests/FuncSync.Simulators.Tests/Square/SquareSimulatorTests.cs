using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using FuncSync.Simulators.Square;
using FuncSync.Testing;
using Microsoft.Extensions.Time.Testing;

namespace FuncSync.Simulators.Tests.Square;

/// <summary>The Square simulator speaks Square's paths, shapes and errors, signs its webhooks as Square does, and
/// behaves as a register does (POS sales, offline uploads, counts at the register).</summary>
public sealed class SquareSimulatorTests : IAsyncLifetime, IDisposable
{
    private const string Variation = "W62UWFY35CWMYGVWK6TWJDNI";
    private const string Shop = "LSHOP0000000A";
    private const string Stall = "LSTALL000000B";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
    private SquareSimulator _square = null!;
    private WebhookReceiver _receiver = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _square = await SquareSimulator.StartAsync(new SquareSimulatorOptions(), _time);
        _square.AddVariation(Variation, "NECK-MOON-01", "Moon necklace", new Dictionary<string, int> { [Shop] = 5, [Stall] = 3 });
        _receiver = await WebhookReceiver.StartAsync();
        _square.Options.NotificationUrl = _receiver.Url;
        _http = new HttpClient { BaseAddress = _square.BaseUrl };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _square.Options.AccessToken);
    }

    public void Dispose() => _http.Dispose();

    public async Task DisposeAsync()
    {
        await _square.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public void Sign_SquareSdkTestVector_MatchesPublishedSignature()
    {
        // From Square's .NET SDK tests (WebhooksHelperTest): a real test notification sent by Square.
        const string Url = "https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9";
        const string Body = "{\"merchant_id\":\"MLEFBHHSJGVHD\",\"type\":\"webhooks.test_notification\",\"event_id\":\"ac3ac95b-f97d-458c-a6e6-18981597e05f\",\"created_at\":\"2022-07-13T20:30:59.037339943Z\",\"data\":{\"type\":\"webhooks\",\"id\":\"bc368e64-01aa-407e-b46e-3231809b1129\"}}";

        Assert.Equal("GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4=", SquareSimulator.Sign("Ibxx_5AKakO-3qeNVR61Dw", Url, Encoding.UTF8.GetBytes(Body)));
        Assert.Equal("Cxt7+aTi4rKgcA0bC4g9EHdVtLSDWdqccmL5MvihU4U=", SquareSimulator.Sign("signature-key", "https://webhook.site/webhooks", Encoding.UTF8.GetBytes("{\"data\":{\"type\":\"webhooks\",\"id\":\">id<\"}}")));
    }

    [Fact]
    public void RetrySchedule_Default_SquaresPublishedSchedule()
    {
        var delays = SquareSimulatorOptions.SquareRetrySchedule;

        Assert.Equal(78, delays.Count);
        Assert.Equal([1, 2, 4, 8, 16, 32], delays.Take(6).Select(d => d.TotalMinutes));
        Assert.All(delays.Skip(6), d => Assert.Equal(TimeSpan.FromHours(1), d));
        Assert.InRange(delays.Aggregate(TimeSpan.Zero, (a, b) => a + b), TimeSpan.FromHours(72), TimeSpan.FromHours(74));
    }

    [Fact]
    public async Task BatchCreate_RepeatedIdempotencyKey_ReturnsFirstResultAndAppliesOnce()
    {
        var body = Adjustment("key-1", "IN_STOCK", "SOLD", "2");

        using var first = await PostAsync("v2/inventory/changes/batch-create", body);
        using var second = await PostAsync("v2/inventory/changes/batch-create", body);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(3, _square.GetCount(Variation, Shop));
        Assert.Equal(1, _square.ChangeRequests);
    }

    [Fact]
    public async Task BatchCreate_KeyReusedWithAnotherRequest_Refused()
    {
        using var first = await PostAsync("v2/inventory/changes/batch-create", Adjustment("key-2", "IN_STOCK", "SOLD", "1"));
        using var second = await PostAsync("v2/inventory/changes/batch-create", Adjustment("key-2", "IN_STOCK", "SOLD", "2"));

        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        Assert.Equal("IDEMPOTENCY_KEY_REUSED", await ErrorCodeAsync(second));
        Assert.Equal(4, _square.GetCount(Variation, Shop));
    }

    [Theory]
    [InlineData(null, "MISSING_REQUIRED_PARAMETER")]
    [InlineData(101, "ARRAY_LENGTH_TOO_LONG")]
    public async Task BatchCreate_BadRequest_SquareErrorShapeAndNothingApplied(int? changes, string code)
    {
        var body = Adjustment(changes is null ? null : "key-3", "IN_STOCK", "SOLD", "1");
        if (changes is { } n)
        {
            var one = body["changes"]![0]!;
            body["changes"] = new JsonArray([.. Enumerable.Range(0, n).Select(_ => one.DeepClone())]);
        }

        using var response = await PostAsync("v2/inventory/changes/batch-create", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]![0]!;
        Assert.Equal("INVALID_REQUEST_ERROR", (string?)error["category"]);
        Assert.Equal(code, (string?)error["code"]);
        Assert.NotNull((string?)error["field"]);
        Assert.Equal(5, _square.GetCount(Variation, Shop));
    }

    [Fact]
    public async Task BatchCreate_QuantityAsNumber_RefusedAsExpectedString()
    {
        var body = Adjustment("key-4", "IN_STOCK", "SOLD", "1");
        body["changes"]![0]!["adjustment"]!["quantity"] = 1;

        using var response = await PostAsync("v2/inventory/changes/batch-create", body);

        Assert.Equal("EXPECTED_STRING", await ErrorCodeAsync(response));
    }

    [Fact]
    public async Task Api_RateLimited_429WithSquaresErrorThenServes()
    {
        _square.RateLimitNext(1);

        using var limited = await PostAsync("v2/inventory/counts/batch-retrieve", new JsonObject());
        using var served = await PostAsync("v2/inventory/counts/batch-retrieve", new JsonObject { ["catalog_object_ids"] = new JsonArray(Variation), ["location_ids"] = new JsonArray(Stall) });

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("RATE_LIMITED", await ErrorCodeAsync(limited));
        var counts = JsonNode.Parse(await served.Content.ReadAsStringAsync())!["counts"]!.AsArray();
        Assert.Equal("3", (string?)Assert.Single(counts)!["quantity"]);
        Assert.Equal(1, _square.RateLimited);
    }

    [Fact]
    public async Task SellAtRegister_FiresOnlyCountUpdated_SignedOverUrlAndBody()
    {
        var status = await _square.SellAtRegisterAsync(Variation, Stall);

        Assert.Equal(HttpStatusCode.OK, status);
        var received = Assert.Single(_receiver.Received);
        var payload = JsonNode.Parse(received.Body)!;
        Assert.Equal("inventory.count.updated", (string?)payload["type"]);
        var count = payload["data"]!["object"]!["inventory_counts"]![0]!;
        Assert.Equal(Stall, (string?)count["location_id"]);
        Assert.Equal("2", (string?)count["quantity"]);
        Assert.Equal(SquareSimulator.Sign(_square.Options.SignatureKey, _receiver.Url.OriginalString, received.Body), received.Headers["x-square-hmacsha256-signature"]);
    }

    [Fact]
    public async Task OfflineSale_UploadedAfterACount_LandsBeforeItAndIsAbsorbed()
    {
        // Square orders changes by when they happened: a sale made offline before the shelf was counted is in that count.
        _square.SellOffline(Variation, Stall);
        _time.Advance(TimeSpan.FromMinutes(10));
        await _square.CountAtRegisterAsync(Variation, Stall, 3);
        _time.Advance(TimeSpan.FromMinutes(10));
        _square.SellOffline(Variation, Stall);
        _time.Advance(TimeSpan.FromHours(2));

        await _square.UploadOfflineSalesAsync();

        Assert.Equal(2, _square.GetCount(Variation, Stall));
        Assert.Equal(2, _receiver.Received.Count);
    }

    [Fact]
    public async Task DraftOrder_FiresOrderCreatedOnly_OpenedLaterTakesStock()
    {
        var draft = await _square.PlaceOnlineOrderAsync([(Variation, 2)], draft: true);
        Assert.Equal(5, _square.GetCount(Variation, Shop));

        await _square.OpenDraftAsync(draft.OrderId);

        Assert.Equal(3, _square.GetCount(Variation, Shop));
        Assert.Equal(["order.created", "order.updated", "inventory.count.updated"], _receiver.Received.Select(r => (string?)JsonNode.Parse(r.Body)!["type"]));
        var order = JsonNode.Parse(await _http.GetStringAsync($"v2/orders/{draft.OrderId}"))!["order"]!;
        Assert.Equal("OPEN", (string?)order["state"]);
        Assert.Equal("2", (string?)order["line_items"]![0]!["quantity"]);
    }

    [Fact]
    public async Task OnlineOrder_VariationPriceSet_LinesCarryItsMoney()
    {
        _square.SetVariationPrice(Variation, 13.25m);

        var placed = await _square.PlaceOnlineOrderAsync([(Variation, 2)]);

        var line = JsonNode.Parse(await _http.GetStringAsync($"v2/orders/{placed.OrderId}"))!["order"]!["line_items"]![0]!;
        Assert.Equal(1325, (long)line["base_price_money"]!["amount"]!);
        Assert.Equal("USD", (string?)line["base_price_money"]!["currency"]);
        Assert.Equal(2650, (long)line["gross_sales_money"]!["amount"]!);
        Assert.Equal(0, (long)line["total_discount_money"]!["amount"]!);
        Assert.Equal(2650, (long)line["total_money"]!["amount"]!);
    }

    [Fact]
    public async Task Delivery_ReceiverKeepsFailing_RetriedOnSquaresScheduleOnTheClock()
    {
        _receiver.StatusCode = 500;
        _square.Options.WebhookRetryDelays = [.. SquareSimulatorOptions.SquareRetrySchedule.Take(7)];

        await _square.SellAtRegisterAsync(Variation, Stall);
        foreach (var (delay, retry) in _square.Options.WebhookRetryDelays.Select((d, i) => (d, i + 1)))
        {
            await Eventually.WaitAsync(() => _square.ScheduledRetries == retry, Deadline, $"retry {retry} is scheduled");
            _time.Advance(delay);
        }

        await Eventually.WaitAsync(() => _receiver.Received.Count == 8, Deadline, "the last retry was made");
        await _square.WhenDeliveriesSettledAsync();

        Assert.Equal(Enumerable.Range(0, 8), _square.Deliveries.Select(d => d.Attempt));
        Assert.Equal(TimeSpan.FromMinutes(123), _square.Deliveries[^1].At - _square.Deliveries[0].At);
        Assert.Single(_receiver.Received.Select(r => r.Headers["x-square-hmacsha256-signature"]).Distinct());
        Assert.Equal("7", _receiver.Received.Last().Headers["square-retry-number"]);
    }

    [Fact]
    public async Task Catalog_ListsVariationsWithSkuTrackingAndSoldOut()
    {
        _square.SetTrackInventory(Variation, false, Shop);
        _square.MarkSoldOut(Variation, Stall);

        var objects = JsonNode.Parse(await _http.GetStringAsync("v2/catalog/list?types=ITEM_VARIATION"))!["objects"]!.AsArray();

        var data = Assert.Single(objects)!["item_variation_data"]!;
        Assert.Equal("NECK-MOON-01", (string?)data["sku"]);
        var overrides = data["location_overrides"]!.AsArray();
        Assert.False((bool)overrides.Single(o => (string?)o!["location_id"] == Shop)!["track_inventory"]!);
        Assert.True((bool)overrides.Single(o => (string?)o!["location_id"] == Stall)!["sold_out"]!);
    }

    [Fact]
    public async Task Catalog_Items_CarryTheirVariations()
    {
        var objects = JsonNode.Parse(await _http.GetStringAsync("v2/catalog/list?types=ITEM"))!["objects"]!.AsArray();

        var item = Assert.Single(objects)!;
        Assert.Equal("ITEM", (string?)item["type"]);
        Assert.Equal("Moon necklace", (string?)item["item_data"]!["name"]);
        Assert.Equal(Variation, (string?)Assert.Single(item["item_data"]!["variations"]!.AsArray())!["id"]);
    }

    private static JsonObject Adjustment(string? key, string from, string to, string quantity)
    {
        var body = new JsonObject
        {
            ["changes"] = new JsonArray(new JsonObject
            {
                ["type"] = "ADJUSTMENT",
                ["adjustment"] = new JsonObject
                {
                    ["catalog_object_id"] = Variation,
                    ["location_id"] = Shop,
                    ["from_state"] = from,
                    ["to_state"] = to,
                    ["quantity"] = quantity,
                    ["occurred_at"] = "2026-05-01T12:00:00Z",
                },
            }),
        };
        if (key is not null)
        {
            body["idempotency_key"] = key;
        }

        return body;
    }

    private Task<HttpResponseMessage> PostAsync(string path, JsonNode body) =>
        _http.PostAsync(path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

    private static async Task<string?> ErrorCodeAsync(HttpResponseMessage response) =>
        (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]![0]!["code"];
}

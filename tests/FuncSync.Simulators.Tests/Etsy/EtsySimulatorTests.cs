using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using FuncSync.Simulators.Etsy;
using Microsoft.Extensions.Time.Testing;

namespace FuncSync.Simulators.Tests.Etsy;

public sealed class EtsySimulatorTests : IAsyncLifetime
{
    private const long ShopId = 5551234;
    private const long MugListing = 1_000_001;
    private const long PlainListing = 1_000_002;
    private const long ColorProperty = 200;

    private static readonly HttpClient Http = new();

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
    private EtsySimulator _simulator = null!;

    public async Task InitializeAsync()
    {
        // A high QPS keeps the frozen fake clock from tripping the limiter, except in the test about it.
        _simulator = await EtsySimulator.StartAsync(new EtsySimulatorOptions { QueriesPerSecond = 1000 }, _time);
        _simulator.AddListing(MugListing, "Mug",
        [
            new EtsySimProduct("MUG-RED", 3, 24.00m, [new EtsySimPropertyValue(ColorProperty, "Primary color", 1213, "Red")]),
            new EtsySimProduct("MUG-BLUE", 5, 24.00m, [new EtsySimPropertyValue(ColorProperty, "Primary color", 1214, "Blue")]),
        ]);
        _simulator.AddListing(PlainListing, "Poster", [new EtsySimProduct("POSTER", 2, 10.00m, [])]);
    }

    public async Task DisposeAsync() => await _simulator.DisposeAsync();

    [Fact]
    public async Task Request_KeystringWithoutSharedSecret_Returns403()
    {
        using var response = await SendAsync(HttpMethod.Get, $"v3/application/listings/{MugListing}/inventory", apiKey: "simkeystring");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("Shared secret is required in x-api-key header.", (string?)(await ReadAsync(response))["error"]);
    }

    [Fact]
    public async Task Request_WrongBearerToken_Returns401()
    {
        using var response = await SendAsync(HttpMethod.Get, $"v3/application/listings/{MugListing}/inventory", bearer: "12345678.wrong");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_token", (string?)(await ReadAsync(response))["error"]);
    }

    [Fact]
    public async Task Receipts_OffsetAndLimit_PageThroughAllInCreatedOrder()
    {
        var placed = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            placed.Add(_simulator.PlaceOrder(MugListing, "MUG-BLUE", 1)!.ReceiptId);
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        var first = await GetJsonAsync($"v3/application/shops/{ShopId}/receipts?limit=2&offset=0");
        var third = await GetJsonAsync($"v3/application/shops/{ShopId}/receipts?limit=2&offset=4");

        Assert.Equal(5, (int)first["count"]!);
        // Default order is newest first.
        Assert.Equal([placed[4], placed[3]], ReceiptIds(first));
        Assert.Equal([placed[0]], ReceiptIds(third));
        var receipt = first["results"]![0]!;
        Assert.Equal("Paid", (string?)receipt["status"]);
        Assert.True((bool)receipt["is_paid"]!);
        var transaction = receipt["transactions"]![0]!;
        Assert.Equal("MUG-BLUE", (string?)transaction["sku"]);
        Assert.Equal(MugListing, (long)transaction["listing_id"]!);
        Assert.Equal(2400, (int)transaction["price"]!["amount"]!);
        Assert.Equal("Blue", (string?)transaction["variations"]![0]!["formatted_value"]);
    }

    [Fact]
    public async Task Receipts_MinLastModifiedSortedByUpdatedAscending_ReturnsTouchedReceiptsInUpdateOrder()
    {
        var a = _simulator.PlaceOrder(MugListing, "MUG-BLUE", 1)!.ReceiptId;
        var b = _simulator.PlaceOrder(MugListing, "MUG-RED", 1)!.ReceiptId;
        _time.Advance(TimeSpan.FromMinutes(10));
        var watermark = _time.GetUtcNow().ToUnixTimeSeconds();
        _time.Advance(TimeSpan.FromMinutes(1));
        _simulator.TouchReceipt(b);
        _time.Advance(TimeSpan.FromMinutes(1));
        _simulator.TouchReceipt(a);

        var page = await GetJsonAsync(
            $"v3/application/shops/{ShopId}/receipts?min_last_modified={watermark}&sort_on=updated&sort_order=asc");

        Assert.Equal(2, (int)page["count"]!);
        Assert.Equal([b, a], ReceiptIds(page));
        Assert.True((long)page["results"]![0]!["update_timestamp"]! > (long)page["results"]![0]!["create_timestamp"]!);
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=101")]
    [InlineData("sort_on=price")]
    public async Task Receipts_InvalidQuery_Returns400(string query)
    {
        using var response = await SendAsync(HttpMethod.Get, $"v3/application/shops/{ShopId}/receipts?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Receipts_OtherShop_Returns404()
    {
        using var response = await SendAsync(HttpMethod.Get, "v3/application/shops/42/receipts");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task GetInventory_WithVariations_DeclaresVaryingProperties()
    {
        var inventory = await GetJsonAsync($"v3/application/listings/{MugListing}/inventory");

        Assert.Equal(2, inventory["products"]!.AsArray().Count);
        Assert.Equal("[200]", inventory["sku_on_property"]!.ToJsonString());
        Assert.Equal("[200]", inventory["quantity_on_property"]!.ToJsonString());
        Assert.Equal("[]", inventory["price_on_property"]!.ToJsonString());
        var offering = inventory["products"]![0]!["offerings"]![0]!;
        Assert.Equal(2400, (int)offering["price"]!["amount"]!);
        Assert.Equal(100, (int)offering["price"]!["divisor"]!);
    }

    [Fact]
    public async Task PutInventory_GetShapeSentBack_Returns400()
    {
        var inventory = await GetJsonAsync($"v3/application/listings/{MugListing}/inventory");

        using var response = await PutInventoryAsync(MugListing, inventory);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(3, _simulator.GetQuantity(MugListing, "MUG-RED"));
    }

    [Fact]
    public async Task PutInventory_MoneyObjectPrice_Returns400()
    {
        var body = MugUpdate(red: 3, blue: 5);
        body["products"]![0]!["offerings"]![0]!["price"] = new JsonObject { ["amount"] = 2400, ["divisor"] = 100, ["currency_code"] = "USD" };

        using var response = await PutInventoryAsync(MugListing, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task PutInventory_DroppingAVariation_Returns400()
    {
        var body = MugUpdate(red: 3, blue: 5);
        body["products"]!.AsArray().RemoveAt(1);

        using var response = await PutInventoryAsync(MugListing, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(5, _simulator.GetQuantity(MugListing, "MUG-BLUE"));
    }

    [Fact]
    public async Task PutInventory_SkuVariesWithoutSkuOnProperty_Returns400()
    {
        var body = MugUpdate(red: 3, blue: 5);
        body["sku_on_property"] = new JsonArray();

        using var response = await PutInventoryAsync(MugListing, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task PutInventory_AllQuantitiesZero_Returns400()
    {
        using var response = await PutInventoryAsync(MugListing, MugUpdate(red: 0, blue: 0));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("One offering must have quantity greater than 0", (string?)(await ReadAsync(response))["error"]);
    }

    [Fact]
    public async Task PutInventory_Valid_ChangesQuantityRotatesIdsAndRaisesEvents()
    {
        var before = await GetJsonAsync($"v3/application/listings/{MugListing}/inventory");
        var events = new List<EtsyInventoryChanged>();
        _simulator.InventoryChanged += events.Add;

        using var response = await PutInventoryAsync(MugListing, MugUpdate(red: 0, blue: 7, redEnabled: false));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var after = await ReadAsync(response);
        Assert.Equal(0, _simulator.GetQuantity(MugListing, "MUG-RED"));
        Assert.False(_simulator.IsOfferingEnabled(MugListing, "MUG-RED"));
        Assert.Equal(7, _simulator.GetQuantity(MugListing, "MUG-BLUE"));
        Assert.Empty(ProductIds(before).Intersect(ProductIds(after)));
        Assert.NotEqual((long)before["products"]![0]!["offerings"]![0]!["offering_id"]!, (long)after["products"]![0]!["offerings"]![0]!["offering_id"]!);
        Assert.Equal(
            [new EtsyInventoryChanged(MugListing, "MUG-RED", 0, false, _time.GetUtcNow()), new EtsyInventoryChanged(MugListing, "MUG-BLUE", 7, true, _time.GetUtcNow())],
            events);
        var listing = await GetJsonAsync($"v3/application/listings/{MugListing}");
        Assert.Equal(7, (int)listing["quantity"]!);
    }

    [Fact]
    public async Task PutInventory_ListingWithoutVariations_Accepted()
    {
        var body = new JsonObject
        {
            ["products"] = new JsonArray(new JsonObject
            {
                ["sku"] = "POSTER",
                ["property_values"] = new JsonArray(),
                ["offerings"] = new JsonArray(new JsonObject { ["price"] = 10.0, ["quantity"] = 9, ["is_enabled"] = true }),
            }),
        };

        using var response = await PutInventoryAsync(PlainListing, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(9, _simulator.GetQuantity(PlainListing, "POSTER"));
    }

    [Fact]
    public async Task Request_OverQueriesPerSecond_Returns429UntilTheNextSecond()
    {
        await using var limited = await EtsySimulator.StartAsync(new EtsySimulatorOptions { QueriesPerSecond = 2, QueriesPerDay = 100 }, _time);
        limited.AddListing(PlainListing, "Poster", [new EtsySimProduct("POSTER", 2, 10.00m, [])]);
        var path = $"v3/application/listings/{PlainListing}/inventory";

        using var first = await SendAsync(HttpMethod.Get, path, simulator: limited);
        using var second = await SendAsync(HttpMethod.Get, path, simulator: limited);
        using var refused = await SendAsync(HttpMethod.Get, path, simulator: limited);
        _time.Advance(TimeSpan.FromSeconds(1));
        using var next = await SendAsync(HttpMethod.Get, path, simulator: limited);

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("2", first.Headers.GetValues("x-limit-per-second").Single());
        Assert.Equal("0", second.Headers.GetValues("x-remaining-this-second").Single());
        Assert.Equal("98", second.Headers.GetValues("x-remaining-today").Single());
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.False(refused.Headers.Contains("x-limit-per-second"));
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        Assert.Equal(1, limited.RateLimitViolations);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task Request_OverQueriesPerDay_Returns429UntilTheWindowRolls()
    {
        await using var limited = await EtsySimulator.StartAsync(new EtsySimulatorOptions { QueriesPerSecond = 10, QueriesPerDay = 2 }, _time);
        limited.AddListing(PlainListing, "Poster", [new EtsySimProduct("POSTER", 2, 10.00m, [])]);
        var path = $"v3/application/listings/{PlainListing}";

        using var first = await SendAsync(HttpMethod.Get, path, simulator: limited);
        _time.Advance(TimeSpan.FromHours(1));
        using var second = await SendAsync(HttpMethod.Get, path, simulator: limited);
        _time.Advance(TimeSpan.FromHours(1));
        using var refused = await SendAsync(HttpMethod.Get, path, simulator: limited);
        _time.Advance(TimeSpan.FromHours(22));
        using var afterFirstExpired = await SendAsync(HttpMethod.Get, path, simulator: limited);

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, afterFirstExpired.StatusCode);
    }

    [Fact]
    public async Task InjectFaults_MatchingRequests_AnswerTheStatusThenRecover()
    {
        _simulator.InjectFaults(r => r.Method == "PUT" && r.Path.Value!.EndsWith("/inventory", StringComparison.Ordinal), 2, 503);

        using var read = await SendAsync(HttpMethod.Get, $"v3/application/listings/{MugListing}/inventory");
        using var fault1 = await PutInventoryAsync(MugListing, MugUpdate(red: 1, blue: 1));
        using var fault2 = await PutInventoryAsync(MugListing, MugUpdate(red: 1, blue: 1));
        using var ok = await PutInventoryAsync(MugListing, MugUpdate(red: 1, blue: 1));

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, fault1.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, fault2.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(1, _simulator.GetQuantity(MugListing, "MUG-RED"));
        Assert.Equal(4, _simulator.RequestLog.Count);
        Assert.StartsWith($"PUT /v3/application/listings/{MugListing}/inventory", _simulator.RequestLog[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateListing_FormState_DeactivatesAndReactivates()
    {
        var path = $"v3/application/shops/{ShopId}/listings/{MugListing}";

        using var deactivated = await SendAsync(HttpMethod.Patch, path, new FormUrlEncodedContent([new("state", "inactive")]));
        var inactiveState = _simulator.GetListingState(MugListing);
        using var reactivated = await SendAsync(HttpMethod.Patch, path, new FormUrlEncodedContent([new("state", "active")]));
        using var invalid = await SendAsync(HttpMethod.Patch, path, new FormUrlEncodedContent([new("state", "sold_out")]));

        Assert.Equal(HttpStatusCode.OK, deactivated.StatusCode);
        Assert.Equal("inactive", (string?)(await ReadAsync(deactivated))["state"]);
        Assert.Equal("inactive", inactiveState);
        Assert.Equal(HttpStatusCode.OK, reactivated.StatusCode);
        Assert.Equal("active", _simulator.GetListingState(MugListing));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
    }

    [Fact]
    public async Task PutInventory_EnabledOfferingWithQuantityZero_Returns400AndKeepsInventory()
    {
        using var response = await PutInventoryAsync(MugListing, MugUpdate(red: 0, blue: 4));
        using var disabled = await PutInventoryAsync(MugListing, MugUpdate(red: 0, blue: 4, redEnabled: false));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("MUG-RED", (string?)(await ReadAsync(response))["error"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        Assert.False(_simulator.IsOfferingEnabled(MugListing, "MUG-RED"));
    }

    [Fact]
    public void PlaceOrder_LastUnitSold_MarksListingSoldOutAndRefusesMore()
    {
        var receipt = _simulator.PlaceOrder(PlainListing, "POSTER", 2);

        Assert.NotNull(receipt);
        Assert.Single(receipt.TransactionIds);
        Assert.Equal("sold_out", _simulator.GetListingState(PlainListing));
        Assert.Null(_simulator.PlaceOrder(PlainListing, "POSTER", 1));
        Assert.Null(_simulator.PlaceOrder(MugListing, "MUG-RED", 4));
    }

    [Theory]
    [InlineData("GET", "v3/application/shops/5551234/receipts?sort_on=modified", "sort_on must be one of")]
    [InlineData("GET", "v3/application/shops/5551234/receipts?limit=101", "Expected int >= 1 and <= 100 for limit")]
    [InlineData("GET", "v3/application/shops/5551234/receipts?min_last_modified=12", "Expected int >= 946684800 for min_last_modified")]
    [InlineData("GET", "v3/application/shops/5551234/receipts?was_canceled=yes", "Expected boolean for was_canceled")]
    [InlineData("GET", "v3/application/shops/5551234/receipts?min_last_modifed=1764547200", "does not take a query parameter 'min_last_modifed'")]
    [InlineData("GET", "v3/application/shops/5551234/receipts?limit=10&limit=20", "Expected a single value for limit")]
    [InlineData("GET", "v3/application/listings/1000001/inventory?includes=Images", "includes must be one of Listing")]
    [InlineData("GET", "v3/application/listings/1000001?includes=Images,Shelf", "includes must be one of")]
    [InlineData("GET", "v3/application/shops/5551234/receipts/1?legacy=maybe", "Expected boolean for legacy")]
    public async Task Request_BreaksTheOpenApiDocument_Returns400WithEtsysErrorShape(string method, string path, string error)
    {
        using var response = await SendAsync(new HttpMethod(method), path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = (await ReadAsync(response)).AsObject();
        Assert.Equal(["error"], body.Select(p => p.Key));
        Assert.Contains(error, (string?)body["error"], StringComparison.Ordinal);
        Assert.Contains(_simulator.RefusedRequests, r => r.Contains(error, StringComparison.Ordinal));
    }

    [Fact]
    public async Task UpdateListing_JsonBody_Returns400BecauseTheDocumentSaysForm()
    {
        using var response = await SendAsync(HttpMethod.Patch, $"v3/application/shops/{ShopId}/listings/{PlainListing}", Json(new JsonObject { ["state"] = "inactive" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("application/x-www-form-urlencoded", (string?)(await ReadAsync(response))["error"], StringComparison.Ordinal);
        Assert.Equal("active", _simulator.GetListingState(PlainListing));
    }

    [Theory]
    [InlineData("body")]
    [InlineData("product")]
    [InlineData("offering")]
    [InlineData("content-type")]
    public async Task PutInventory_ShapeTheSchemaDoesNotDeclare_Returns400AndKeepsInventory(string where)
    {
        var body = MugUpdate(red: 2, blue: 2);
        switch (where)
        {
            case "body":
                body["listing"] = new JsonObject();
                break;
            case "product":
                body["products"]![0]!["title"] = "Red mug";
                break;
            case "offering":
                body["products"]![0]!["offerings"]![0]!["currency_code"] = "USD";
                break;
        }

        using var response = where == "content-type"
            ? await SendAsync(HttpMethod.Put, $"v3/application/listings/{MugListing}/inventory", new StringContent(body.ToJsonString(), Encoding.UTF8, "text/plain"))
            : await PutInventoryAsync(MugListing, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(3, _simulator.GetQuantity(MugListing, "MUG-RED"));
    }

    private static JsonObject MugUpdate(int red, int blue, bool redEnabled = true) => new()
    {
        ["products"] = new JsonArray(
            Product("MUG-RED", 1213, "Red", red, redEnabled),
            Product("MUG-BLUE", 1214, "Blue", blue, true)),
        ["price_on_property"] = new JsonArray(),
        ["quantity_on_property"] = new JsonArray(ColorProperty),
        ["sku_on_property"] = new JsonArray(ColorProperty),
        ["readiness_state_on_property"] = new JsonArray(),
    };

    private static JsonObject Product(string sku, long valueId, string value, int quantity, bool enabled) => new()
    {
        ["sku"] = sku,
        ["property_values"] = new JsonArray(new JsonObject
        {
            ["property_id"] = ColorProperty,
            ["property_name"] = "Primary color",
            ["scale_id"] = null,
            ["value_ids"] = new JsonArray(valueId),
            ["values"] = new JsonArray(value),
        }),
        ["offerings"] = new JsonArray(new JsonObject
        {
            ["price"] = 24.00,
            ["quantity"] = quantity,
            ["is_enabled"] = enabled,
            ["readiness_state_id"] = 1402336022581,
        }),
    };

    private static long[] ReceiptIds(JsonNode page) => [.. page["results"]!.AsArray().Select(r => (long)r!["receipt_id"]!)];

    private static long[] ProductIds(JsonNode inventory) => [.. inventory["products"]!.AsArray().Select(p => (long)p!["product_id"]!)];

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    private Task<HttpResponseMessage> PutInventoryAsync(long listingId, JsonNode body) =>
        SendAsync(HttpMethod.Put, $"v3/application/listings/{listingId}/inventory", Json(body));

    private async Task<JsonNode> GetJsonAsync(string path)
    {
        using var response = await SendAsync(HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ReadAsync(response);
    }

    private static async Task<JsonNode> ReadAsync(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    private async Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string path, HttpContent? content = null, string? apiKey = null, string? bearer = null, EtsySimulator? simulator = null)
    {
        simulator ??= _simulator;
        using var request = new HttpRequestMessage(method, new Uri(simulator.BaseUrl, path)) { Content = content };
        request.Headers.Add("x-api-key", apiKey ?? $"{simulator.Options.Keystring}:{simulator.Options.SharedSecret}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer ?? simulator.Options.AccessToken);
        return await Http.SendAsync(request);
    }
}

using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FuncSync.Simulators.Shopify;
using Microsoft.Extensions.Time.Testing;

namespace FuncSync.Simulators.Tests.Shopify;

public sealed class ShopifySimulatorTests : IAsyncLifetime
{
    private const long ProductId = 632910392;
    private const long VariantId = 39072856;
    private const long ItemId = 808950810;
    private const long LocationId = 655441491;

    private const string ReadQuery =
        """query InventoryLevel($inventoryItemId: ID!, $locationId: ID!) { inventoryItem(id: $inventoryItemId) { id inventoryLevel(locationId: $locationId) { id quantities(names: ["available"]) { name quantity } } } }""";

    private const string SetMutation =
        """mutation SetAvailable($input: InventorySetQuantitiesInput!, $idempotencyKey: String!) { inventorySetQuantities(input: $input) @idempotent(key: $idempotencyKey) { inventoryAdjustmentGroup { reason changes { name delta quantityAfterChange } } userErrors { code field message } } }""";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
    private static readonly HttpClient Http = new();
    private ShopifySimulator _simulator = null!;

    public async Task InitializeAsync()
    {
        _simulator = await ShopifySimulator.StartAsync(
            new ShopifySimulatorOptions { ThrottleMaximumAvailable = 30, ThrottleRestoreRate = 10 }, _time);
        _simulator.AddVariant(ProductId, VariantId, ItemId, LocationId, "MUG-BLUE", 5, "Blue mug");
    }

    public async Task DisposeAsync()
    {
        await _simulator.DisposeAsync();
    }

    [Fact]
    public async Task GraphQl_WrongAccessToken_Returns401()
    {
        using var response = await SendAsync(ReadQuery, ReadVariables(ItemId), token: "shpat_wrong");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("[API] Invalid API key or access token (unrecognized login or wrong password)", (string?)body["errors"]);
    }

    [Fact]
    public async Task InventoryItem_KnownItem_ReturnsAvailableAndCost()
    {
        var body = await GraphQlAsync(ReadQuery, ReadVariables(ItemId));

        var item = body["data"]!["inventoryItem"]!;
        Assert.Equal($"gid://shopify/InventoryItem/{ItemId}", (string?)item["id"]);
        Assert.Equal("available", (string?)item["inventoryLevel"]!["quantities"]![0]!["name"]);
        Assert.Equal(5, (int)item["inventoryLevel"]!["quantities"]![0]!["quantity"]!);
        Assert.Equal(30, (int)body["extensions"]!["cost"]!["throttleStatus"]!["maximumAvailable"]!);
    }

    [Fact]
    public async Task InventoryItem_UnknownItemOrLocation_ReturnsNulls()
    {
        var unknownItem = await GraphQlAsync(ReadQuery, ReadVariables(1));
        var otherLocation = await GraphQlAsync(ReadQuery, ReadVariables(ItemId, locationId: 999));

        Assert.Null(unknownItem["data"]!["inventoryItem"]);
        Assert.NotNull(otherLocation["data"]!["inventoryItem"]);
        Assert.Null(otherLocation["data"]!["inventoryItem"]!["inventoryLevel"]);
    }

    [Fact]
    public async Task SetQuantities_MatchingChangeFrom_SetsAvailableAndRaisesEvent()
    {
        var events = new List<ShopifyInventoryChanged>();
        _simulator.InventoryChanged += events.Add;

        var body = await GraphQlAsync(SetMutation, SetVariables(quantity: 4, changeFrom: 5, key: "key-1"));

        var payload = body["data"]!["inventorySetQuantities"]!;
        Assert.Empty(payload["userErrors"]!.AsArray());
        var change = payload["inventoryAdjustmentGroup"]!["changes"]!.AsArray().Single(c => (string?)c!["name"] == "available")!;
        Assert.Equal(-1, (int)change["delta"]!);
        Assert.Equal(4, (int)change["quantityAfterChange"]!);
        Assert.Equal(4, _simulator.GetAvailable(ItemId, LocationId));
        var raised = Assert.Single(events);
        Assert.Equal(new ShopifyInventoryChanged(ItemId, LocationId, 4, _time.GetUtcNow()), raised);
    }

    [Fact]
    public async Task SetQuantities_StaleChangeFrom_ReturnsUserErrorAndChangesNothing()
    {
        var body = await GraphQlAsync(SetMutation, SetVariables(quantity: 2, changeFrom: 7, key: "key-stale"));

        var payload = body["data"]!["inventorySetQuantities"]!;
        Assert.Null(payload["inventoryAdjustmentGroup"]);
        var error = Assert.Single(payload["userErrors"]!.AsArray())!;
        Assert.Equal("CHANGE_FROM_QUANTITY_STALE", (string?)error["code"]);
        Assert.Equal("""["input","quantities","0","changeFromQuantity"]""", error["field"]!.ToJsonString());
        Assert.Equal(5, _simulator.GetAvailable(ItemId, LocationId));
    }

    [Fact]
    public async Task SetQuantities_NullChangeFrom_SkipsTheCheck()
    {
        var body = await GraphQlAsync(SetMutation, SetVariables(quantity: 9, changeFrom: null, key: "key-null"));

        Assert.Empty(body["data"]!["inventorySetQuantities"]!["userErrors"]!.AsArray());
        Assert.Equal(9, _simulator.GetAvailable(ItemId, LocationId));
    }

    [Fact]
    public async Task SetQuantities_OmittedChangeFrom_IsARequestError()
    {
        var variables = SetVariables(quantity: 9, changeFrom: null, key: "key-omitted");
        variables["input"]!["quantities"]![0]!.AsObject().Remove("changeFromQuantity");

        var body = await GraphQlAsync(SetMutation, variables);

        Assert.Null(body["data"]);
        Assert.Contains("changeFromQuantity", (string?)body["errors"]![0]!["message"], StringComparison.Ordinal);
        Assert.Equal(5, _simulator.GetAvailable(ItemId, LocationId));
    }

    [Fact]
    public async Task SetQuantities_SameIdempotencyKey_AppliesOnceAndReplays()
    {
        var events = 0;
        _simulator.InventoryChanged += _ => Interlocked.Increment(ref events);

        var first = await GraphQlAsync(SetMutation, SetVariables(quantity: 4, changeFrom: 5, key: "retry-key"));
        // A network retry: same key, same parameters. Applying it again would now be stale (4 != 5).
        var replay = await GraphQlAsync(SetMutation, SetVariables(quantity: 4, changeFrom: 5, key: "retry-key"));
        var misuse = await GraphQlAsync(SetMutation, SetVariables(quantity: 3, changeFrom: 4, key: "retry-key"));

        Assert.Equal(first["data"]!.ToJsonString(), replay["data"]!.ToJsonString());
        Assert.Equal(4, _simulator.GetAvailable(ItemId, LocationId));
        Assert.Equal(1, events);
        Assert.Equal("IDEMPOTENCY_KEY_PARAMETER_MISMATCH", (string?)misuse["data"]!["inventorySetQuantities"]!["userErrors"]![0]!["code"]);
    }

    [Fact]
    public async Task SetQuantities_WithoutIdempotencyKey_IsARequestError()
    {
        const string noDirective =
            "mutation SetAvailable($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) { userErrors { code } } }";

        var body = await GraphQlAsync(noDirective, SetVariables(quantity: 1, changeFrom: 5, key: "unused"));

        Assert.NotNull(body["errors"]);
        Assert.Equal(5, _simulator.GetAvailable(ItemId, LocationId));
    }

    [Fact]
    public async Task GraphQl_EmptyBucket_ReturnsThrottledUntilPointsRestore()
    {
        // Bucket of 30 points, mutations cost 10: three fit, the fourth does not.
        for (var i = 0; i < 3; i++)
        {
            var ok = await GraphQlAsync(SetMutation, SetVariables(quantity: 5, changeFrom: null, key: $"t{i}"));
            Assert.Null(ok["errors"]);
        }

        var throttled = await GraphQlAsync(SetMutation, SetVariables(quantity: 5, changeFrom: null, key: "t3"));
        _time.Advance(TimeSpan.FromSeconds(1));
        var restored = await GraphQlAsync(SetMutation, SetVariables(quantity: 5, changeFrom: null, key: "t3"));

        Assert.Equal("THROTTLED", (string?)throttled["errors"]![0]!["extensions"]!["code"]);
        Assert.Equal(0, (int)throttled["extensions"]!["cost"]!["throttleStatus"]!["currentlyAvailable"]!);
        Assert.Equal(1, _simulator.ThrottleViolations);
        Assert.Null(restored["errors"]);
    }

    [Fact]
    public async Task PlaceOrder_SendsWebhookWhoseHmacVerifies()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        _simulator.Options.WebhookUrl = receiver.Url;

        var result = await _simulator.PlaceOrderAsync([(VariantId, 2)]);

        Assert.NotNull(result);
        Assert.Equal(HttpStatusCode.OK, result.WebhookStatus);
        Assert.Equal(3, _simulator.GetAvailable(ItemId, LocationId));
        var delivery = Assert.Single(receiver.Received);
        var expected = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes("shopify-simulator-secret"), delivery.Body));
        Assert.True(CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(delivery.Headers["X-Shopify-Hmac-Sha256"])));
        Assert.Equal("orders/create", delivery.Headers["X-Shopify-Topic"]);
        Assert.Equal("funcsync-demo.myshopify.com", delivery.Headers["X-Shopify-Shop-Domain"]);
        Assert.Equal("2026-04", delivery.Headers["X-Shopify-API-Version"]);
        Assert.Equal(result.EventId, delivery.Headers["X-Shopify-Event-Id"]);
        Assert.Equal(result.WebhookId, delivery.Headers["X-Shopify-Webhook-Id"]);
        Assert.StartsWith("2026-05-01T12:00:00", delivery.Headers["X-Shopify-Triggered-At"], StringComparison.Ordinal);

        var order = JsonNode.Parse(delivery.Body)!;
        Assert.Equal(result.OrderId, (long)order["id"]!);
        Assert.Equal("#1001", (string?)order["name"]);
        Assert.Equal("paid", (string?)order["financial_status"]);
        var line = order["line_items"]![0]!;
        Assert.Equal(VariantId, (long)line["variant_id"]!);
        Assert.Equal("MUG-BLUE", (string?)line["sku"]);
        Assert.Equal(2, (int)line["quantity"]!);
        Assert.Equal("shopify", (string?)line["variant_inventory_management"]);
        Assert.Equal("USD", (string?)order["currency"]);
        Assert.Equal("25.00", (string?)line["price"]);
        Assert.Equal("0.00", (string?)line["total_discount"]);
        Assert.Empty(line["discount_allocations"]!.AsArray());
        Assert.Equal("50.00", (string?)order["subtotal_price"]);
    }

    [Fact]
    public async Task PlaceOrder_VariantPriceSet_LinesChargeIt()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        _simulator.Options.WebhookUrl = receiver.Url;
        _simulator.SetVariantPrice(VariantId, 12.5m);

        await _simulator.PlaceOrderAsync([(VariantId, 2)]);

        var order = JsonNode.Parse(Assert.Single(receiver.Received).Body)!;
        var line = order["line_items"]![0]!;
        Assert.Equal("12.50", (string?)line["price"]);
        Assert.Equal("12.50", (string?)line["price_set"]!["shop_money"]!["amount"]);
        Assert.Equal("25.00", (string?)order["total_price"]);
    }

    [Fact]
    public async Task Redeliver_KeepsEventIdAndBody_ChangesWebhookId()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        _simulator.Options.WebhookUrl = receiver.Url;
        var result = await _simulator.PlaceOrderAsync([(VariantId, 1)]);

        var status = await _simulator.RedeliverAsync(result!.EventId);

        Assert.Equal(HttpStatusCode.OK, status);
        var deliveries = receiver.Received.ToArray();
        Assert.Equal(2, deliveries.Length);
        Assert.Equal(deliveries[0].Headers["X-Shopify-Event-Id"], deliveries[1].Headers["X-Shopify-Event-Id"]);
        Assert.NotEqual(deliveries[0].Headers["X-Shopify-Webhook-Id"], deliveries[1].Headers["X-Shopify-Webhook-Id"]);
        Assert.Equal(deliveries[0].Body, deliveries[1].Body);
        Assert.Equal(4, _simulator.GetAvailable(ItemId, LocationId));
    }

    [Fact]
    public async Task PlaceOrder_NotEnoughStock_ReturnsNullAndKeepsStock()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        _simulator.Options.WebhookUrl = receiver.Url;

        var result = await _simulator.PlaceOrderAsync([(VariantId, 6)]);

        Assert.Null(result);
        Assert.Equal(5, _simulator.GetAvailable(ItemId, LocationId));
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task PlaceOrder_SameSeed_SameIds()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var twin = await ShopifySimulator.StartAsync(new ShopifySimulatorOptions { WebhookUrl = receiver.Url }, _time);
        twin.AddVariant(ProductId, VariantId, ItemId, LocationId, "MUG-BLUE", 5, "Blue mug");
        _simulator.Options.WebhookUrl = receiver.Url;

        var a = await _simulator.PlaceOrderAsync([(VariantId, 1)]);
        var b = await twin.PlaceOrderAsync([(VariantId, 1)]);

        Assert.Equal(a!.OrderId, b!.OrderId);
        Assert.Equal(a.EventId, b.EventId);
        Assert.Equal(a.Payload, b.Payload);
    }

    private async Task<JsonNode> GraphQlAsync(string query, JsonObject variables)
    {
        using var response = await SendAsync(query, variables, _simulator.Options.AccessToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private async Task<HttpResponseMessage> SendAsync(string query, JsonObject variables, string token)
    {
        var url = new Uri(_simulator.BaseUrl, $"admin/api/{_simulator.Options.ApiVersion}/graphql.json");
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(new JsonObject { ["query"] = query, ["variables"] = variables }.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Shopify-Access-Token", token);
        return await Http.SendAsync(request);
    }

    private static JsonObject ReadVariables(long itemId, long locationId = LocationId) => new()
    {
        ["inventoryItemId"] = $"gid://shopify/InventoryItem/{itemId}",
        ["locationId"] = $"gid://shopify/Location/{locationId}",
    };

    private static JsonObject SetVariables(int quantity, int? changeFrom, string key) => new()
    {
        ["input"] = new JsonObject
        {
            ["name"] = "available",
            ["reason"] = "correction",
            ["referenceDocumentUri"] = "gid://funcsync/SyncJob/1",
            ["quantities"] = new JsonArray(new JsonObject
            {
                ["inventoryItemId"] = $"gid://shopify/InventoryItem/{ItemId}",
                ["locationId"] = $"gid://shopify/Location/{LocationId}",
                ["quantity"] = quantity,
                ["changeFromQuantity"] = changeFrom,
            }),
        },
        ["idempotencyKey"] = key,
    };
}

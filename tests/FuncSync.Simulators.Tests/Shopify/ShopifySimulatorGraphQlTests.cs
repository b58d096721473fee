using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FuncSync.Simulators.Shopify;
using Microsoft.Extensions.Time.Testing;

namespace FuncSync.Simulators.Tests.Shopify;

/// <summary>The webhook subscription operations, reads over all locations, and the cost each operation is charged.</summary>
public sealed class ShopifySimulatorGraphQlTests : IAsyncLifetime
{
    private const long ItemId = 808950810;
    private const long LocationId = 655441491;
    private const long OtherLocationId = 655441492;

    private const string List =
        "query L($first: Int!, $after: String, $topics: [WebhookSubscriptionTopic!]) { webhookSubscriptions(first: $first, after: $after, topics: $topics) { nodes { id topic uri } pageInfo { hasNextPage endCursor } } }";

    private const string Create =
        "mutation C($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) { webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) { webhookSubscription { id topic uri } userErrors { field message } } }";

    private const string Update =
        "mutation U($id: ID!, $webhookSubscription: WebhookSubscriptionInput!) { webhookSubscriptionUpdate(id: $id, webhookSubscription: $webhookSubscription) { webhookSubscription { id uri } userErrors { field message } } }";

    private const string Delete =
        "mutation D($id: ID!) { webhookSubscriptionDelete(id: $id) { deletedWebhookSubscriptionId userErrors { field message } } }";

    private const string Levels =
        "query L($inventoryItemId: ID!) { inventoryItem(id: $inventoryItemId) { id inventoryLevels(first: 50) { nodes { location { id } quantities(names: [\"available\"]) { name quantity } } } } }";

    private static readonly HttpClient Http = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
    private ShopifySimulator _simulator = null!;

    public async Task InitializeAsync()
    {
        _simulator = await ShopifySimulator.StartAsync(new ShopifySimulatorOptions { ThrottleMaximumAvailable = 100, ThrottleRestoreRate = 10 }, _time);
        _simulator.AddVariant(632910392, 39072856, ItemId, LocationId, "MUG-BLUE", 5, "Blue mug");
        _simulator.AddVariant(632910392, 39072856, ItemId, OtherLocationId, "MUG-BLUE", 3, "Blue mug");
    }

    public async Task DisposeAsync() => await _simulator.DisposeAsync();

    [Fact]
    public async Task Subscriptions_CreateListUpdateDelete_AsTheAdminApi()
    {
        var created = await GraphQlAsync(Create, new JsonObject { ["topic"] = "ORDERS_CREATE", ["webhookSubscription"] = new JsonObject { ["uri"] = "https://a.example/hook", ["format"] = "JSON" } });
        var duplicate = await GraphQlAsync(Create, new JsonObject { ["topic"] = "ORDERS_CREATE", ["webhookSubscription"] = new JsonObject { ["uri"] = "https://a.example/hook" } });
        var id = (string)created["data"]!["webhookSubscriptionCreate"]!["webhookSubscription"]!["id"]!;
        var updated = await GraphQlAsync(Update, new JsonObject { ["id"] = id, ["webhookSubscription"] = new JsonObject { ["uri"] = "https://b.example/hook" } });
        var listed = await GraphQlAsync(List, new JsonObject { ["first"] = 10, ["topics"] = new JsonArray("ORDERS_CREATE") });
        var deleted = await GraphQlAsync(Delete, new JsonObject { ["id"] = id });

        Assert.Equal("Address for this topic has already been taken", (string?)duplicate["data"]!["webhookSubscriptionCreate"]!["userErrors"]![0]!["message"]);
        Assert.Equal("https://b.example/hook", (string?)updated["data"]!["webhookSubscriptionUpdate"]!["webhookSubscription"]!["uri"]);
        var node = Assert.Single(listed["data"]!["webhookSubscriptions"]!["nodes"]!.AsArray())!;
        Assert.Equal("ORDERS_CREATE", (string?)node["topic"]);
        Assert.Equal(id, (string?)deleted["data"]!["webhookSubscriptionDelete"]!["deletedWebhookSubscriptionId"]);
        Assert.Empty(_simulator.WebhookSubscriptions);
    }

    [Fact]
    public async Task Subscriptions_PlainHttpToAnotherHost_Refused()
    {
        var body = await GraphQlAsync(Create, new JsonObject { ["topic"] = "ORDERS_CREATE", ["webhookSubscription"] = new JsonObject { ["uri"] = "http://example.com/hook" } });

        Assert.Equal("Address protocol http:// is not supported", (string?)body["data"]!["webhookSubscriptionCreate"]!["userErrors"]![0]!["message"]);
    }

    [Fact]
    public async Task Subscriptions_ListPaged_CursorWalksAll()
    {
        foreach (var topic in new[] { "orders/create", "orders/cancelled", "refunds/create" })
        {
            _simulator.AddWebhookSubscription(topic, new Uri("https://a.example/hook"));
        }

        var first = await GraphQlAsync(List, new JsonObject { ["first"] = 2 });
        var page = first["data"]!["webhookSubscriptions"]!;
        var second = await GraphQlAsync(List, new JsonObject { ["first"] = 2, ["after"] = (string?)page["pageInfo"]!["endCursor"] });

        Assert.True((bool)page["pageInfo"]!["hasNextPage"]!);
        Assert.Equal(2, page["nodes"]!.AsArray().Count);
        Assert.Equal("REFUNDS_CREATE", (string?)Assert.Single(second["data"]!["webhookSubscriptions"]!["nodes"]!.AsArray())!["topic"]);
        Assert.Equal(2 + 2, (int)first["extensions"]!["cost"]!["requestedQueryCost"]!);
    }

    [Fact]
    public async Task InventoryLevels_AllLocations_ChargedRequestedRefundedToActual()
    {
        var body = await GraphQlAsync(Levels, new JsonObject { ["inventoryItemId"] = $"gid://shopify/InventoryItem/{ItemId}" });

        var nodes = body["data"]!["inventoryItem"]!["inventoryLevels"]!["nodes"]!.AsArray();
        Assert.Equal([5, 3], nodes.Select(n => (int)n!["quantities"]![0]!["quantity"]!));
        var cost = body["extensions"]!["cost"]!;
        Assert.Equal(1 + 2 + 50, (int)cost["requestedQueryCost"]!);
        Assert.Equal(1 + 2 + 2, (int)cost["actualQueryCost"]!);
        Assert.Equal(100 - 5, (int)cost["throttleStatus"]!["currentlyAvailable"]!);
    }

    [Fact]
    public async Task Cost_RequestAboveWhatIsAvailable_ThrottledAndCounted()
    {
        // Each read of all levels is charged 53 up front and costs 5: the bucket of 100 pays ten, and the
        // eleventh finds 50 < 53 and is refused, until the clock gives points back.
        var variables = new JsonObject { ["inventoryItemId"] = $"gid://shopify/InventoryItem/{ItemId}" };
        var answers = new List<JsonNode>();
        for (var i = 0; i < 11; i++)
        {
            answers.Add(await GraphQlAsync(Levels, variables));
        }

        Assert.All(answers.Take(10), a => Assert.Null(a["errors"]));
        Assert.Equal("THROTTLED", (string?)answers[10]["errors"]![0]!["extensions"]!["code"]);
        Assert.Null(answers[10]["extensions"]!["cost"]!["actualQueryCost"]);
        Assert.Equal(50, (int)answers[10]["extensions"]!["cost"]!["throttleStatus"]!["currentlyAvailable"]!);
        Assert.Equal(1, _simulator.ThrottleViolations);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null((await GraphQlAsync(Levels, variables))["errors"]);
        Assert.Equal(1, _simulator.ThrottleViolations);
    }

    private async Task<JsonNode> GraphQlAsync(string query, JsonObject variables)
    {
        var url = new Uri(_simulator.BaseUrl, $"admin/api/{_simulator.Options.ApiVersion}/graphql.json");
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(new JsonObject { ["query"] = query, ["variables"] = variables.DeepClone() }.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Shopify-Access-Token", _simulator.Options.AccessToken);
        using var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }
}

using System.Text;
using System.Text.Json.Nodes;
using FuncSync.Simulators.Shopify;
using Microsoft.Extensions.Time.Testing;

namespace FuncSync.Simulators.Tests.Shopify;

public sealed class ShopifyReadQueriesTests : IAsyncLifetime
{
    private const long LocationId = 655441491;

    private const string NodesQuery =
        """query Levels($ids: [ID!]!, $locationId: ID!) { nodes(ids: $ids) { ... on InventoryItem { id inventoryLevel(locationId: $locationId) { quantities(names: ["available"]) { name quantity } } } } }""";

    private const string VariantsQuery =
        "query Variants($first: Int!, $after: String) { productVariants(first: $first, after: $after) { pageInfo { hasNextPage endCursor } nodes { id sku title product { id title } inventoryItem { id } } } }";

    private static readonly HttpClient Http = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
    private ShopifySimulator _simulator = null!;

    public async Task InitializeAsync()
    {
        _simulator = await ShopifySimulator.StartAsync(new ShopifySimulatorOptions(), _time);
        for (var i = 1; i <= 5; i++)
        {
            _simulator.AddVariant(100, 200 + i, 300 + i, LocationId, $"SKU-{i}", i, $"Variant {i}");
        }
    }

    public async Task DisposeAsync() => await _simulator.DisposeAsync();

    [Fact]
    public async Task Nodes_ItemsKnownAndUnknown_LevelsInOrderWithNullForUnknown()
    {
        var body = await GraphQlAsync(NodesQuery, new JsonObject
        {
            ["ids"] = new JsonArray("gid://shopify/InventoryItem/302", "gid://shopify/InventoryItem/999", "gid://shopify/InventoryItem/305"),
            ["locationId"] = $"gid://shopify/Location/{LocationId}",
        });

        var nodes = body["data"]!["nodes"]!.AsArray();
        Assert.Equal(2, (int)nodes[0]!["inventoryLevel"]!["quantities"]![0]!["quantity"]!);
        Assert.Null(nodes[1]);
        Assert.Equal(5, (int)nodes[2]!["inventoryLevel"]!["quantities"]![0]!["quantity"]!);
        Assert.Equal(6, (int)body["extensions"]!["cost"]!["requestedQueryCost"]!);
    }

    [Fact]
    public async Task Nodes_MoreThan250Ids_MaxInputSizeExceeded()
    {
        var ids = new JsonArray([.. Enumerable.Range(1, 251).Select(i => (JsonNode)$"gid://shopify/InventoryItem/{i}")]);

        var body = await GraphQlAsync(NodesQuery, new JsonObject { ["ids"] = ids, ["locationId"] = $"gid://shopify/Location/{LocationId}" });

        Assert.Equal("MAX_INPUT_SIZE_EXCEEDED", (string?)body["errors"]![0]!["extensions"]!["code"]);
    }

    [Fact]
    public async Task ProductVariants_PagedByCursor_EveryVariantOnce()
    {
        var skus = new List<string>();
        string? after = null;
        var pages = 0;
        do
        {
            var body = await GraphQlAsync(VariantsQuery, new JsonObject { ["first"] = 2, ["after"] = after });
            var page = body["data"]!["productVariants"]!;
            skus.AddRange(page["nodes"]!.AsArray().Select(n => (string)n!["sku"]!));
            after = (bool)page["pageInfo"]!["hasNextPage"]! ? (string?)page["pageInfo"]!["endCursor"] : null;
            pages++;
        }
        while (after is not null);

        Assert.Equal(["SKU-1", "SKU-2", "SKU-3", "SKU-4", "SKU-5"], skus);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task ProductVariants_DeletedVariant_GoneFromPagesAndNodes()
    {
        _simulator.DeleteVariant(203);

        var variants = await GraphQlAsync(VariantsQuery, new JsonObject { ["first"] = 10 });
        var nodes = await GraphQlAsync(NodesQuery, new JsonObject { ["ids"] = new JsonArray("gid://shopify/InventoryItem/303"), ["locationId"] = $"gid://shopify/Location/{LocationId}" });

        Assert.DoesNotContain(variants["data"]!["productVariants"]!["nodes"]!.AsArray(), n => (string?)n!["sku"] == "SKU-3");
        Assert.Null(nodes["data"]!["nodes"]![0]);
    }

    [Fact]
    public async Task ProductVariants_FirstAbove250_Refused()
    {
        var body = await GraphQlAsync(VariantsQuery, new JsonObject { ["first"] = 251 });

        Assert.NotNull(body["errors"]);
        Assert.Null(body["data"]);
    }

    private async Task<JsonNode> GraphQlAsync(string query, JsonObject variables)
    {
        var url = new Uri(_simulator.BaseUrl, $"admin/api/{_simulator.Options.ApiVersion}/graphql.json");
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(new JsonObject { ["query"] = query, ["variables"] = variables }.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Shopify-Access-Token", _simulator.Options.AccessToken);
        using var response = await Http.SendAsync(request);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using FuncSync.Simulators.Etsy;
using Microsoft.Extensions.Time.Testing;

namespace FuncSync.Simulators.Tests.Etsy;

public sealed class EtsyListingQueryTests : IAsyncLifetime
{
    private static readonly HttpClient Http = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
    private EtsySimulator _simulator = null!;

    public async Task InitializeAsync()
    {
        _simulator = await EtsySimulator.StartAsync(new EtsySimulatorOptions { QueriesPerSecond = 1000 }, _time);
        for (var i = 1; i <= 5; i++)
        {
            _simulator.AddListing(1_000 + i, $"Listing {i}", [new EtsySimProduct($"SKU-{i}", i, 10m, [])]);
        }
    }

    public async Task DisposeAsync() => await _simulator.DisposeAsync();

    [Fact]
    public async Task GetListingsByShop_PagedWithInventory_CountAndProducts()
    {
        var first = await GetAsync("limit=2&offset=0&includes=Inventory");
        var last = await GetAsync("limit=2&offset=4&includes=Inventory");

        Assert.Equal(5, (int)first["count"]!);
        Assert.Equal([1_001L, 1_002L], first["results"]!.AsArray().Select(l => (long)l!["listing_id"]!));
        var only = Assert.Single(last["results"]!.AsArray());
        Assert.Equal("SKU-5", (string?)only!["inventory"]!["products"]![0]!["sku"]);
        Assert.Equal(5, (int)only["inventory"]!["products"]![0]!["offerings"]![0]!["quantity"]!);
    }

    [Fact]
    public async Task GetListingsByShop_ByState_OnlyThatState()
    {
        Assert.NotNull(_simulator.PlaceOrder(1_001, "SKU-1", 1));
        _simulator.DeleteListing(1_005);

        var soldOut = await GetAsync("state=sold_out");
        var active = await GetAsync("");

        Assert.Equal([1_001L], soldOut["results"]!.AsArray().Select(l => (long)l!["listing_id"]!));
        Assert.Equal(3, (int)active["count"]!);
        Assert.Null(active["results"]![0]!["inventory"]);
    }

    [Fact]
    public async Task ShopManagerEdit_QuantityChanged_ListingModified()
    {
        _time.Advance(TimeSpan.FromMinutes(3));

        _simulator.EditQuantityInShopManager(1_002, "SKU-2", 9);

        var listing = (await GetAsync("includes=Inventory"))["results"]!.AsArray().Single(l => (long)l!["listing_id"]! == 1_002)!;
        Assert.Equal(9, (int)listing["inventory"]!["products"]![0]!["offerings"]![0]!["quantity"]!);
        Assert.Equal(_time.GetUtcNow().ToUnixTimeSeconds(), (long)listing["last_modified_timestamp"]!);
    }

    [Theory]
    [InlineData("state=deleted")]
    [InlineData("limit=101")]
    public async Task GetListingsByShop_BadQuery_400(string query)
    {
        using var response = await SendAsync(query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private async Task<JsonNode> GetAsync(string query)
    {
        using var response = await SendAsync(query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private async Task<HttpResponseMessage> SendAsync(string query)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_simulator.BaseUrl, $"v3/application/shops/{_simulator.Options.ShopId}/listings?{query}"));
        request.Headers.Add("x-api-key", $"{_simulator.Options.Keystring}:{_simulator.Options.SharedSecret}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _simulator.Options.AccessToken);
        return await Http.SendAsync(request);
    }
}

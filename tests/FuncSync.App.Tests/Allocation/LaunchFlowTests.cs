using System.Net;
using System.Net.Http.Json;
using System.Text;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Catalog;
using FuncSync.Json;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Allocation;

/// <summary>Scheduled launches through the API: strict while they run, the seller's rule again after, and clear
/// 400s for a launch that cannot be.</summary>
[Collection(AzuriteTests.Name)]
public sealed class LaunchFlowTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Launch_RunningNow_OneOffGoesStrictAndBackWhenCancelled()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("DROP-BOWL-01", 1, 91);
        await app.LoadAsync(item);
        await app.DrainedAsync(app.Names.ChannelPushQueue);
        Assert.Equal(1, app.Etsy.GetQuantity(item.EtsyListingId, item.Sku));

        var created = await PostAsync(app, $$"""{"name": "Friday drop", "skus": ["{{item.Sku}}"], "durationMinutes": 60}""");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        // Both pushes run at once: Shopify may give the unit up until Etsy's decrease has landed, then takes it back.
        await Eventually.WaitAsync(
            () => app.Etsy.GetListingState(item.EtsyListingId) == "inactive" && app.Shopify.GetAvailable(item.ShopifyInventoryItemId, TestItem.LocationId) == 1,
            Deadline,
            "the one-off is Shopify's alone during the launch");
        var list = await app.Http.GetFromJsonAsync("api/launches", FuncSyncJson.Default.LaunchList);
        var launch = Assert.Single(list!.Launches);
        Assert.True(launch.Running);
        Assert.Equal([item.Sku], launch.Skus);

        Assert.Equal(HttpStatusCode.NoContent, (await app.Http.DeleteAsync($"api/launches/{launch.Id}")).StatusCode);

        await Eventually.WaitAsync(() => app.Etsy.GetListingState(item.EtsyListingId) == "active" && app.Etsy.GetQuantity(item.EtsyListingId, item.Sku) == 1, Deadline, "Etsy shows the piece again");
    }

    [Fact]
    public async Task Launch_ByTag_TaggedPiecesGoStrictOthersDoNot()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var tagged = new TestItem("DROP-CUP-01", 1, 93);
        var other = new TestItem("EVERYDAY-CUP-01", 1, 94);
        app.List(tagged.Mapping, 1);
        app.List(other.Mapping, 1);
        await app.ImportAsync(new SkuMapRow(tagged.Mapping with { Tags = ["Spring-Drop", "cups"] }, 1), new SkuMapRow(other.Mapping with { Tags = ["cups"] }, 1));
        await app.DrainedAsync(app.Names.ChannelPushQueue);

        var created = await PostAsync(app, """{"name": "Spring drop", "tag": "spring-drop", "durationMinutes": 60}""");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await Eventually.WaitAsync(() => app.Etsy.GetListingState(tagged.EtsyListingId) == "inactive", Deadline, "the tagged one-off is Shopify's alone during the launch");

        // The launch's end waits on the push queue as a delayed message, so the queue is not drained here: the
        // untagged cup was never in the launch, so nothing was sent for it.
        Assert.Equal("active", app.Etsy.GetListingState(other.EtsyListingId));
        Assert.Equal(1, app.Etsy.GetQuantity(other.EtsyListingId, other.Sku));
        var launch = Assert.Single((await app.Http.GetFromJsonAsync("api/launches", FuncSyncJson.Default.LaunchList))!.Launches);
        Assert.Equal("spring-drop", launch.Tag);
    }

    [Theory]
    [InlineData("""{"name": "no skus", "durationMinutes": 60}""", "SKUs, a SKU prefix or a tag")]
    [InlineData("""{"name": "untagged", "tag": "no-such-tag", "durationMinutes": 60}""", "No SKU in the SKU map")]
    [InlineData("""{"name": "too long", "skus": ["X"], "durationMinutes": 20000}""", "durationMinutes must be between")]
    [InlineData("""{"name": "far off", "skus": ["X"], "durationMinutes": 60, "start": "2099-01-01T00:00:00Z"}""", "within the next 7 days")]
    [InlineData("""{"name": "unknown", "skus": ["NOT-MAPPED"], "durationMinutes": 60}""", "No SKU in the SKU map")]
    [InlineData("""{"skus": ["X"], "durationMinutes": 60}""", "name is required")]
    [InlineData("""[1]""", "JSON object")]
    public async Task Launch_Invalid_400WithTheReasonAndNothingStored(string body, string reason)
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);

        var response = await PostAsync(app, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty((await app.Http.GetFromJsonAsync("api/launches", FuncSyncJson.Default.LaunchList))!.Launches);
    }

    [Fact]
    public async Task Launch_CancelUnknown_404()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);

        Assert.Equal(HttpStatusCode.NotFound, (await app.Http.DeleteAsync("api/launches/nope")).StatusCode);
    }

    private static Task<HttpResponseMessage> PostAsync(FuncSyncTestApp app, string json) =>
        app.Http.PostAsync("api/launches", new StringContent(json, Encoding.UTF8, "application/json"));
}

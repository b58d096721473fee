using System.Net;
using System.Net.Http.Json;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Catalog;
using FuncSync.Json;
using FuncSync.Skus;
using FuncSync.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.App.Tests.Skus;

/// <summary>The stock grid's API at any size: pages with server-side search and filters, and changes since a token,
/// against the real app and Azurite.</summary>
[Collection(AzuriteTests.Name)]
public sealed class SkuGridApiTests(AzuriteFixture azurite)
{
    private static string Json(SkuStatus status) => System.Text.Json.JsonSerializer.Serialize(status, FuncSyncJson.Default.SkuStatus);

    private static async Task<SkuPage> PageAsync(FuncSyncTestApp app, string query) =>
        (await app.Http.GetFromJsonAsync($"api/skus?{query}", FuncSyncJson.Default.SkuPage))!;

    private static async Task<SkuDelta> ChangesAsync(FuncSyncTestApp app, string token) =>
        (await app.Http.GetFromJsonAsync($"api/skus?since={token}", FuncSyncJson.Default.SkuDelta))!;

    /// <summary>Asks for changes until an answer is empty (the overlap behind the service's clock has passed): the
    /// token of that answer has seen everything so far.</summary>
    private static async Task<string> QuietTokenAsync(FuncSyncTestApp app, string token)
    {
        await Eventually.WaitAsync(
            async () =>
            {
                var delta = await ChangesAsync(app, token);
                token = delta.Token;
                return delta.Skus.Count == 0 && !delta.Reset;
            },
            TimeSpan.FromSeconds(30),
            "a poll of the unchanged shop answers no rows");
        return token;
    }

    [Fact]
    public async Task ListSkus_PagesAndFilters_AnsweredByTheServer()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        await app.LoadAsync(new TestItem("PAGE-A", 1, 611), new TestItem("PAGE-B", 7, 612), new TestItem("PAGE-C", 2, 613), new TestItem("PAGE-D", 9, 614), new TestItem("PAGE-E", 3, 615));
        await app.DrainedAsync(app.Names.ChannelPushQueue);

        var first = await PageAsync(app, "page=1&pageSize=2");
        var last = await PageAsync(app, "page=3&pageSize=2");
        var low = await PageAsync(app, "filter=low&threshold=2");
        var search = await PageAsync(app, "q=page-d");
        var summary = (await app.Http.GetFromJsonAsync("api/skus?summary=true", FuncSyncJson.Default.SkuSummary))!;

        Assert.Equal(["PAGE-A", "PAGE-B"], first.Skus.Select(s => s.Sku));
        Assert.True(first.More);
        Assert.Null(first.Matching);
        Assert.True(GridToken.TryParse(first.Token, out _));
        Assert.Equal(["PAGE-E"], last.Skus.Select(s => s.Sku));
        Assert.False(last.More);
        Assert.Equal(["PAGE-A", "PAGE-C"], low.Skus.Select(s => s.Sku));
        Assert.Equal(2, low.Matching);
        Assert.Equal(["PAGE-D"], search.Skus.Select(s => s.Sku));
        Assert.Equal(5, summary.Total);
        Assert.Equal(Json(await app.StatusAsync("PAGE-B")), Json(first.Skus[1]));
    }

    [Fact]
    public async Task ListSkus_BadParameters_BadRequestSayingWhich()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);

        foreach (var query in new[] { "page=0", "pageSize=501", "page=two", "filter=cheap", "threshold=3", "since=yesterday", "since=1&page=1", "summary=yes" })
        {
            var response = await app.Http.GetAsync($"api/skus?{query}");

            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{query}: {(int)response.StatusCode}");
            var problem = await response.Content.ReadFromJsonAsync(FuncSyncJson.Default.ProblemBody);
            Assert.Contains(query.Split('=')[0], problem!.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ListSkus_SinceToken_OnlyTheRowThatChangedThenNothing()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        await app.LoadAsync(new TestItem("DELTA-A", 4, 621), new TestItem("DELTA-B", 6, 622), new TestItem("DELTA-C", 8, 623));
        await app.DrainedAsync(app.Names.ChannelPushQueue);
        var token = await QuietTokenAsync(app, (await PageAsync(app, "page=1")).Token);

        (await app.CountAsync("DELTA-B", """{"quantity": 2}""")).EnsureSuccessStatusCode();
        SkuDelta? changed = null;
        await Eventually.WaitAsync(
            async () => (changed = await ChangesAsync(app, token)).Skus.Any(s => s.Sku == "DELTA-B" && s.Available == 2),
            TimeSpan.FromSeconds(30),
            "the count comes as a change");

        Assert.Equal(["DELTA-B"], changed!.Skus.Select(s => s.Sku));
        Assert.Null(changed.Alerts);
        await app.DrainedAsync(app.Names.ChannelPushQueue);
        await QuietTokenAsync(app, changed.Token);
    }

    [Fact]
    public async Task ListSkus_SinceToken_MappingEditComesWithTheOpenAlerts()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("RENAME-A", 4, 631);
        await app.LoadAsync(item, new TestItem("RENAME-B", 5, 632));
        await app.DrainedAsync(app.Names.ChannelPushQueue);
        var token = await QuietTokenAsync(app, (await PageAsync(app, "page=1")).Token);

        await app.App.Services.GetRequiredService<SkuMapStore>().UpsertAsync(item.Mapping with { Title = "Renamed mug" }, CancellationToken.None);
        SkuDelta? changed = null;
        await Eventually.WaitAsync(
            async () => (changed = await ChangesAsync(app, token)).Skus.Any(s => s.Title == "Renamed mug"),
            TimeSpan.FromSeconds(30),
            "the new title comes as a change");

        Assert.NotNull(changed!.Alerts);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Catalog;
using FuncSync.Json;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Counting;

[Collection(AzuriteTests.Name)]
public sealed class CountingApiTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Round_CountWithVariance_FlaggedReviewedAndInShrinkage()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var shelf = new TestItem("CNT-SHELF-01", 10, 601);
        var exact = new TestItem("CNT-SHELF-02", 4, 602);
        var other = new TestItem("CNT-OTHER-01", 3, 603);
        foreach (var item in new[] { shelf, exact, other })
        {
            app.List(item.Mapping, item.Quantity);
        }

        await app.ImportAsync(
            new SkuMapRow(shelf.Mapping with { Tags = ["shelf-a"] }, shelf.Quantity),
            new SkuMapRow(exact.Mapping with { Tags = ["Shelf-A"] }, exact.Quantity),
            new SkuMapRow(other.Mapping, other.Quantity));

        var created = await app.Http.PostAsync("api/counts/rounds", Json("""{"tag":"shelf-a","by":"Maya"}"""));
        var round = await ReadAsync(created, FuncSyncJson.Default.CountRoundView);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal([shelf.Sku, exact.Sku], round.Round.Skus);

        var found = (await (await app.CountAsync(shelf.Sku, $$"""{"quantity": 8, "round": "{{round.Round.Id}}"}""")).ReadChangeAsync()).Count!;
        var same = (await (await app.CountAsync(exact.Sku, $$"""{"quantity": 4, "round": "{{round.Round.Id}}"}""")).ReadChangeAsync()).Count!;

        Assert.Equal((10, 8, -2, true), (found.Expected, found.Counted, found.Variance, found.AwaitingReview));
        Assert.False(same.NeedsReview);
        Assert.Equal(8, await app.AvailableAsync(shelf.Sku));
        var view = (await app.Http.GetFromJsonAsync($"api/counts/rounds/{round.Round.Id}", FuncSyncJson.Default.CountRoundView))!;
        Assert.Equal((2, 1), (view.Counted, view.AwaitingReview));
        var awaiting = (await app.Http.GetFromJsonAsync("api/counts?review=true", FuncSyncJson.Default.CountRecordList))!;
        Assert.Equal([found.Id], awaiting.Counts.Select(c => c.Id));

        var reviewed = await ReadAsync(await app.Http.PostAsync($"api/counts/{found.Id}/review", Json("""{"reason":"damaged","note":"two chipped","by":"Maya"}""")), FuncSyncJson.Default.CountRecord);
        Assert.Equal(("damaged", "Maya"), (reviewed.Reason, reviewed.ReviewedBy));
        Assert.Equal(HttpStatusCode.Conflict, (await app.Http.PostAsync($"api/counts/{found.Id}/review", Json("""{"reason":"lost","by":"Sam"}"""))).StatusCode);

        var shrinkage = (await app.Http.GetFromJsonAsync("api/counts/shrinkage", FuncSyncJson.Default.ShrinkageList))!;
        var month = Assert.Single(shrinkage.Months);
        Assert.Equal((2, 14L, 12L, 2L), (month.Counts, month.Expected, month.Counted, month.Shrinkage));
        Assert.Equal(2, month.ByReason["damaged"]);
        Assert.False(shrinkage.CostsKnown);
        var csv = await app.Http.GetStringAsync("api/counts/shrinkage.csv");
        Assert.StartsWith("month,counts,expected_units,counted_units,shrinkage_units,shrinkage_percent,shrinkage_value", csv, StringComparison.Ordinal);
        Assert.Contains($"{month.Month},2,14,12,2,14.29,,1,damaged:2", csv, StringComparison.Ordinal);
        var counts = await app.Http.GetStringAsync("api/counts?format=csv");
        Assert.Contains($",{shelf.Sku},10,8,-2,-20,yes,damaged,two chipped,Maya,,{round.Round.Id}", counts, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Count_SameIdempotencyKeyTwice_OneRecord()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("CNT-IDEM-01", 5, 604);
        await app.LoadAsync(item);

        var first = (await (await app.CountAsync(item.Sku, """{"quantity": 3}""", "count-once")).ReadChangeAsync()).Count!;
        var again = (await (await app.CountAsync(item.Sku, """{"quantity": 3}""", "count-once")).ReadChangeAsync()).Count!;

        Assert.Equal(first.Id, again.Id);
        Assert.Equal((5, 3), (first.Expected, first.Counted));
        Assert.Single((await app.Http.GetFromJsonAsync("api/counts", FuncSyncJson.Default.CountRecordList))!.Counts);
    }

    [Fact]
    public async Task WeekRound_SameWeekTwice_SameList()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        await app.LoadAsync([.. Enumerable.Range(0, 30).Select(i => new TestItem($"CNT-WEEK-{i:D2}", 2, 610 + i))]);

        var first = await ReadAsync(await app.Http.PostAsync("api/counts/rounds", Json("""{"week":"2026-W49","by":"Maya"}""")), FuncSyncJson.Default.CountRoundView);
        var second = await ReadAsync(await app.Http.PostAsync("api/counts/rounds", Json("""{"week":"2026-w49","by":"Maya"}""")), FuncSyncJson.Default.CountRoundView);

        Assert.NotEmpty(first.Round.Skus);
        Assert.Equal(first.Round.Skus, second.Round.Skus);
        Assert.Equal(("week", "2026-W49"), (first.Round.Source, first.Round.Week));
    }

    [Theory]
    [InlineData("""{"by":"Maya"}""", "exactly one of skus, tag or week")]
    [InlineData("""{"skus":["CNT-BAD-01"],"tag":"x","by":"Maya"}""", "exactly one of skus, tag or week")]
    [InlineData("""{"skus":["NOPE"],"by":"Maya"}""", "NOPE is not a SKU")]
    [InlineData("""{"week":"2026-W60","by":"Maya"}""", "ISO week")]
    [InlineData("""{"tag":"nobody-has-it","by":"Maya"}""", "carries the tag")]
    [InlineData("""{"skus":["CNT-BAD-01"]}""", "by is required")]
    [InlineData("""{"skus":"CNT-BAD-01","by":"Maya"}""", "array of non-empty strings")]
    public async Task AddRound_BadInput_400AndNothingStored(string body, string error)
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        await app.LoadAsync(new TestItem("CNT-BAD-01", 2, 605));

        var response = await app.Http.PostAsync("api/counts/rounds", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(error, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty((await app.Http.GetFromJsonAsync("api/counts/rounds", FuncSyncJson.Default.CountRoundList))!.Rounds);
    }

    [Fact]
    public async Task CountAndReview_BadInput_4xxAndNothingChanged()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("CNT-BAD-02", 6, 606);
        var outside = new TestItem("CNT-BAD-03", 6, 607);
        await app.LoadAsync(item, outside);
        var round = await ReadAsync(await app.Http.PostAsync("api/counts/rounds", Json($$"""{"skus":["{{item.Sku}}"],"by":"Maya"}""")), FuncSyncJson.Default.CountRoundView);

        Assert.Equal(HttpStatusCode.NotFound, (await app.CountAsync(item.Sku, """{"quantity": 1, "round": "no-such-round"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.CountAsync(outside.Sku, $$"""{"quantity": 1, "round": "{{round.Round.Id}}"}""")).StatusCode);
        Assert.Equal(6, await app.AvailableAsync(outside.Sku));

        var exact = (await (await app.CountAsync(item.Sku, $$"""{"quantity": 6, "round": "{{round.Round.Id}}"}""")).ReadChangeAsync()).Count!;
        Assert.Equal(HttpStatusCode.BadRequest, (await app.Http.PostAsync($"api/counts/{exact.Id}/review", Json("""{"reason":"lost","by":"Maya"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.Http.PostAsync($"api/counts/{exact.Id}/review", Json("""{"reason":"aliens","by":"Maya"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Http.PostAsync("api/counts/20260101T000000Z-00000000/review", Json("""{"reason":"lost","by":"Maya"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.Http.GetAsync("api/counts/shrinkage?months=abc")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Http.GetAsync("api/counts/rounds/nope")).StatusCode);
        Assert.Single((await app.Http.GetFromJsonAsync("api/counts", FuncSyncJson.Default.CountRecordList))!.Counts);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return System.Text.Json.JsonSerializer.Deserialize(body, type)!;
    }
}

using FuncSync.Etsy;
using FuncSync.Shopify;
using System.Net;
using System.Text;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Catalog;
using FuncSync.Domain.Ledger;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Admin;

[Collection(AzuriteTests.Name)]
public sealed class StockAdminTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task CountAdjustReceive_AppliedAuditedAndPushed()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("MUG-SPKL-01", 5, 21);
        await app.LoadAsync(item);

        Assert.Equal(8, (await (await app.CountAsync(item.Sku, """{"quantity": 8, "note": "shelf count"}""")).ReadChangeAsync()).Sku.Available);
        Assert.Equal(7, (await (await app.AdjustAsync(item.Sku, """{"delta": -1, "reason": "damaged"}""")).ReadChangeAsync()).Sku.Available);
        Assert.Equal(10, (await (await app.AdjustAsync(item.Sku, """{"delta": 3, "reason": "received"}""")).ReadChangeAsync()).Sku.Available);

        await Eventually.WaitAsync(() => app.Etsy.GetQuantity(item.EtsyListingId, item.Sku) == 10, TimeSpan.FromSeconds(20), "Etsy shows 10");
        var history = await app.HistoryAsync(item.Sku);
        Assert.Equal(
            [InventoryEventKind.Receipt, InventoryEventKind.Adjustment, InventoryEventKind.Count, InventoryEventKind.Count],
            history.Entries.Select(e => e.Kind));
        Assert.Equal([3, -1, 3, 5], history.Entries.Select(e => e.Delta));
        Assert.Equal("damaged", history.Entries[1].Reason);
        Assert.Equal("admin", history.Entries[1].Source);
    }

    [Fact]
    public async Task History_Paged_NewestFirstAcrossPages()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("PRINT-HARE-01", 5, 22);
        await app.LoadAsync(item);
        for (var i = 1; i <= 4; i++)
        {
            await (await app.AdjustAsync(item.Sku, """{"delta": -1, "reason": "gift"}""")).ReadChangeAsync();
        }

        var first = await app.HistoryAsync(item.Sku, "?limit=2");
        var second = await app.HistoryAsync(item.Sku, $"?limit=2&continuation={Uri.EscapeDataString(first.Continuation!)}");
        var third = await app.HistoryAsync(item.Sku, $"?limit=2&continuation={Uri.EscapeDataString(second.Continuation!)}");

        var afters = first.Entries.Concat(second.Entries).Concat(third.Entries).Select(e => e.After).ToList();
        Assert.Equal([1, 2, 3, 4, 5], afters);
    }

    [Fact]
    public async Task Count_SameIdempotencyKeyTwice_AppliedOnce()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("CAND-CEDAR-01", 5, 23);
        await app.LoadAsync(item);

        var first = await (await app.CountAsync(item.Sku, """{"quantity": 9}""", "count-2026-11-23")).ReadChangeAsync();
        await (await app.AdjustAsync(item.Sku, """{"delta": -2, "reason": "lost"}""")).ReadChangeAsync();
        var again = await (await app.CountAsync(item.Sku, """{"quantity": 9}""", "count-2026-11-23")).ReadChangeAsync();

        Assert.Equal("applied", first.Outcome);
        Assert.Equal("duplicate", again.Outcome);
        Assert.Equal(7, again.Sku.Available);
    }

    [Fact]
    public async Task Return_ChannelSetToInspect_HeldThenRestockedOrWrittenOff()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite, new Dictionary<string, string?> { ["Returns:Etsy"] = "Inspect" });
        var item = new TestItem("SCARF-SILK-01", 2, 24);
        await app.LoadAsync(item);

        await app.SendEventAsync(Event("etsy-return-1", InventoryEventKind.Return, item.Mapping.Etsy!.Ref, 2));
        await Eventually.WaitAsync(async () => (await app.Ledger.GetStockAsync(item.Sku, CancellationToken.None)).Level.PendingInspection == 2, TimeSpan.FromSeconds(20), "2 units await inspection");
        Assert.Equal(2, await app.AvailableAsync(item.Sku));

        Assert.Equal(3, (await (await app.InspectAsync(item.Sku, """{"quantity": 1, "outcome": "restock"}""")).ReadChangeAsync()).Sku.Available);
        Assert.Equal(3, (await (await app.InspectAsync(item.Sku, """{"quantity": 1, "outcome": "write-off"}""")).ReadChangeAsync()).Sku.Available);
        var tooMany = await app.InspectAsync(item.Sku, """{"quantity": 1, "outcome": "restock"}""");
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Contains("await inspection", await tooMany.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReturnAndCancellation_ChannelDefault_RestockedAtOnce()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("BOWL-ASH-01", 1, 25);
        await app.LoadAsync(item);

        await app.SendEventAsync(Event("shopify-return-1", InventoryEventKind.Return, item.Mapping.Shopify!.Ref, 1));
        await app.SendEventAsync(Event("shopify-cancel-1", InventoryEventKind.Cancellation, item.Mapping.Shopify!.Ref, 2));

        await Eventually.WaitAsync(async () => await app.AvailableAsync(item.Sku) == 4, TimeSpan.FromSeconds(20), "both restocked");
        await Eventually.WaitAsync(() => app.Etsy.GetQuantity(item.EtsyListingId, item.Sku) == 4, TimeSpan.FromSeconds(20), "Etsy shows 4");
    }

    [Fact]
    public async Task BadInput_ClearErrorAndNothingWritten()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("EAR-STUD-01", 3, 26);
        var bundle = new SkuMapping("EAR-SET-01", "Earring set", [], [new Component(item.Sku, 2)]);
        await app.LoadAsync(item);
        await app.ImportAsync(new SkuMapRow(bundle, null));
        var before = await app.Ledger.GetStockAsync(item.Sku, CancellationToken.None);

        var cases = new (Func<Task<HttpResponseMessage>> Call, HttpStatusCode Status, string Says)[]
        {
            (() => app.CountAsync(item.Sku, "eight"), HttpStatusCode.BadRequest, "not valid JSON"),
            (() => app.CountAsync(item.Sku, "[8]"), HttpStatusCode.BadRequest, "JSON object"),
            (() => app.CountAsync(item.Sku, """{"quantity": "eight"}"""), HttpStatusCode.BadRequest, "whole number"),
            (() => app.CountAsync(item.Sku, """{"quantity": 2.5}"""), HttpStatusCode.BadRequest, "whole number"),
            (() => app.CountAsync(item.Sku, """{"quantity": -1}"""), HttpStatusCode.BadRequest, "between 0 and"),
            (() => app.CountAsync(item.Sku, "{}"), HttpStatusCode.BadRequest, "quantity is required"),
            (() => app.CountAsync(item.Sku, $$"""{"quantity": 1, "note": "{{new string('x', 20_000)}}"}"""), HttpStatusCode.BadRequest, "larger than"),
            (() => app.AdjustAsync(item.Sku, """{"delta": 1, "reason": "borrowed"}"""), HttpStatusCode.BadRequest, "must be one of"),
            (() => app.AdjustAsync(item.Sku, """{"delta": 0, "reason": "found"}"""), HttpStatusCode.BadRequest, "must not be zero"),
            (() => app.AdjustAsync(item.Sku, """{"delta": -1, "reason": "received"}"""), HttpStatusCode.BadRequest, "positive"),
            (() => app.AdjustAsync(item.Sku, """{"delta": 1}"""), HttpStatusCode.BadRequest, "reason is required"),
            (() => app.InspectAsync(item.Sku, """{"quantity": 1, "outcome": "keep"}"""), HttpStatusCode.BadRequest, "must be one of"),
            (() => app.CountAsync(bundle.Sku, """{"quantity": 1}"""), HttpStatusCode.BadRequest, "count its components"),
            (() => app.CountAsync("NO-SUCH-SKU", """{"quantity": 1}"""), HttpStatusCode.NotFound, "No SKU"),
            (() => app.Http.PostAsync($"api/skus/{item.Sku}/adjustments", new ByteArrayContent([.. "{\"delta\": 1, \"reason\": \"found\", \"note\": \"a"u8, 0xC3, 0x28, .. "\"}"u8])), HttpStatusCode.BadRequest, "not valid UTF-8"),
        };
        foreach (var (call, status, says) in cases)
        {
            using var response = await call();
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(status == response.StatusCode, $"expected {status}, got {response.StatusCode}: {body}");
            Assert.Contains(says, body, StringComparison.Ordinal);
        }

        var after = await app.Ledger.GetStockAsync(item.Sku, CancellationToken.None);
        Assert.Equal(before.Version, after.Version);
        Assert.Single((await app.HistoryAsync(item.Sku)).Entries);
    }

    [Fact]
    public async Task AdminEndpoints_MissingOrWrongKey_401()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("TOY-FOX-01", 1, 27);
        await app.LoadAsync(item);
        using var anonymous = new HttpClient { BaseAddress = app.BaseUrl };
        using var wrong = new HttpClient { BaseAddress = app.BaseUrl };
        wrong.DefaultRequestHeaders.Add("x-functions-key", "guess");

        foreach (var client in new[] { anonymous, wrong })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"api/skus/{item.Sku}")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"api/skus/{item.Sku}/history")).StatusCode);
            var count = await client.PutAsync($"api/skus/{item.Sku}/count", new StringContent("""{"quantity": 50}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Unauthorized, count.StatusCode);
        }

        Assert.Equal(1, await app.AvailableAsync(item.Sku));
    }

    // Stamped now: a return stamped before the last shelf count is taken to be on the shelf already, in the count.
    private static FuncSync.Ledger.InventoryEventReceived Event(string id, InventoryEventKind kind, FuncSync.Ledger.ListingRef listing, int quantity) =>
        new(id, kind, listing.Channel.ToString().ToLowerInvariant(), listing, null, quantity, TimeProvider.System.GetUtcNow(), TimeProvider.System.GetUtcNow(), id);
}

using FuncSync.Etsy;
using FuncSync.Shopify;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Catalog;
using FuncSync.Json;
using FuncSync.Skus;
using FuncSync.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.App.Tests.Catalog;

/// <summary>The SKU list and the mappings API against the real app and Azurite.</summary>
[Collection(AzuriteTests.Name)]
public sealed class MappingApiTests(AzuriteFixture azurite)
{
    private const string Header = "sku,title,quantity,shopify_product_id,shopify_variant_id,shopify_inventory_item_id,shopify_location_id,etsy_listing_id,etsy_sku,square_variation_id,woo_product_id,woo_variation_id,ebay_sku,amazon_seller_sku,components,lead_time_days,low_stock,made_to_order,tags,unit_cost\n";

    private static Task<HttpResponseMessage> ImportAsync(FuncSyncTestApp app, string csv) =>
        app.Http.PutAsync("api/mappings.csv", new StringContent(csv, Encoding.UTF8, "text/csv"));

    /// <summary>Imports a good file and waits until its job has applied it.</summary>
    private static async Task ImportedAsync(FuncSyncTestApp app, string csv)
    {
        var response = await ImportAsync(app, csv);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var url = response.Headers.Location!.OriginalString.TrimStart('/');
        await Eventually.WaitAsync(
            async () => (await app.Http.GetFromJsonAsync(url, FuncSyncJson.Default.ImportJobView))!.State == ImportState.Completed,
            TimeSpan.FromSeconds(20),
            "the import is applied");
    }

    [Fact]
    public async Task ListSkus_LoadedItems_EveryOneWithChannelsAndState()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        await app.LoadAsync(new TestItem("LIST-A", 3, 601), new TestItem("LIST-B", 5, 602));
        await app.DrainedAsync(app.Names.ChannelPushQueue);

        var list = await app.Http.GetFromJsonAsync("api/skus", FuncSyncJson.Default.SkuList);

        Assert.Equal(["LIST-A", "LIST-B"], list!.Skus.Select(s => s.Sku).Order());
        var a = list.Skus.Single(s => s.Sku == "LIST-A");
        Assert.Equal(3, a.Available);
        Assert.Equal(SyncState.InSync, a.State);
        Assert.All(a.Channels, c => Assert.Equal(3, c.Shown));
        Assert.Equal(await app.StatusAsync("LIST-A"), a, new StatusComparer());
    }

    [Fact]
    public async Task ListSkus_WithoutKey_Unauthorized()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        using var anonymous = new HttpClient { BaseAddress = app.BaseUrl };

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/skus")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/mappings.csv")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PutAsync("api/mappings.csv", new StringContent(Header))).StatusCode);
    }

    [Fact]
    public async Task ImportCsv_OneBadRow_400WithLineAndColumnAndNothingWritten()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);

        var response = await ImportAsync(app, Header + "OK-1,Fine,2,,,,,1500000801,OK-1,\nOK-2,Fine,1,,,,,1500000802,OK-2,\nBAD,Bad,1,,41,,65,,,\n");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var rejected = JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(), FuncSyncJson.Default.ImportRejected)!;
        var error = Assert.Single(rejected.Errors);
        Assert.Equal((4, ShopifyListingSchema.InventoryItemId.Column), (error.Line, error.Column));
        Assert.Empty((await app.Http.GetFromJsonAsync("api/mappings", FuncSyncJson.Default.MappingList))!.Mappings);
    }

    [Fact]
    public async Task ImportCsv_SameListingTwice_SecondRowRejected()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);

        var response = await ImportAsync(app, Header + "A,A,,,,,,1500000803,X,\nB,B,,,,,,1500000803,X,\n");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = Assert.Single(JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(), FuncSyncJson.Default.ImportRejected)!.Errors);
        Assert.Equal((3, EtsyListingSchema.ListingId.Column), (error.Line, error.Column));
    }

    [Fact]
    public async Task ImportCsv_GoodFile_MapsCountsAndExportsTheSameMap()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        const string rows = "CHAIN,Chain,6,,,,,,,,,,,,,14,2,,chains;basics,1.25\nSET,\"Set, boxed\",,7000000804,4100000804,4300000804,6500000001,1500000804,SET,,,,,,CHAIN:2,,,,,0.50\n";

        await ImportedAsync(app, Header + rows);

        await Eventually.WaitAsync(async () => await app.AvailableAsync("CHAIN") == 6, TimeSpan.FromSeconds(20), "the chain is counted");
        var csv = await app.Http.GetStringAsync("api/mappings.csv");
        Assert.Equal(Header + rows.Replace(",6,", ",,", StringComparison.Ordinal), csv.ReplaceLineEndings("\n"));
        var set = (await app.Http.GetFromJsonAsync("api/skus/SET", FuncSyncJson.Default.SkuStatus))!;
        Assert.Equal(3, set.Available);
        var costs = (await app.Http.GetFromJsonAsync("api/mappings", FuncSyncJson.Default.MappingList))!.Mappings.ToDictionary(m => m.Sku, m => (m.UnitCost, m.Cost));
        Assert.Equal((1.25m, 1.25m), costs["CHAIN"]);
        Assert.Equal((0.50m, 3.00m), costs["SET"]); // two chains and the boxing
    }

    [Fact]
    public async Task ImportCsv_ListingAnotherSkuHad_MovesToTheNewSku_TheOldOneStopsMappingIt()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        await ImportedAsync(app, Header + "MOVE-OLD,Old,3,7000000806,4100000806,4300000806,6500000001,1500000806,MOVE,,,,,,,,,,,\n");

        // A later file gives the Etsy listing to a new SKU and leaves the old one out.
        await ImportedAsync(app, Header + "MOVE-NEW,New,5,,,,,1500000806,MOVE,,,,,,,,,,,\n");

        var map = app.App.Services.GetRequiredService<SkuMapStore>();
        var old = (await map.GetAsync("MOVE-OLD", CancellationToken.None))!;
        Assert.Null(old.Etsy);
        Assert.Equal(4100000806, old.Shopify!.VariantId);
        Assert.Equal(new EtsyListing(1500000806, "MOVE"), (await map.GetAsync("MOVE-NEW", CancellationToken.None))!.Etsy);
        Assert.Equal("MOVE-NEW", await map.FindSkuAsync(new EtsyListing(1500000806, "MOVE").Ref, CancellationToken.None));
    }

    [Fact]
    public async Task EditMapping_ListingAnotherSkuHad_MovesToTheEditedSku_TheOldOneStopsMappingIt()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        await ImportedAsync(app, Header + "TAKE-OLD,Old,3,,,,,1500000807,TAKE,,,,,,,,,,,\nTAKE-NEW,New,5,,,,,,,,,,,,,,,,,\n");

        var response = await app.Http.PutAsJsonAsync("api/mappings/TAKE-NEW", new Dictionary<string, object?> { ["title"] = "New", ["etsyListingId"] = 1500000807, ["etsySku"] = "TAKE" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var map = app.App.Services.GetRequiredService<SkuMapStore>();
        Assert.Null((await map.GetAsync("TAKE-OLD", CancellationToken.None))!.Etsy);
        Assert.Equal(new EtsyListing(1500000807, "TAKE"), (await map.GetAsync("TAKE-NEW", CancellationToken.None))!.Etsy);
        Assert.Equal("TAKE-NEW", await map.FindSkuAsync(new EtsyListing(1500000807, "TAKE").Ref, CancellationToken.None));
    }

    [Fact]
    public async Task EditMapping_UnitCost_KeptAndBadOneRefused()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        await ImportedAsync(app, "sku,title,quantity\nCOST-1,Old file without unit_cost,2\n");
        Assert.Null((await app.App.Services.GetRequiredService<SkuMapStore>().GetAsync("COST-1", CancellationToken.None))!.UnitCost);

        var saved = await app.Http.PutAsJsonAsync("api/mappings/COST-1", new Dictionary<string, object?> { ["title"] = "Costed", ["unitCost"] = "4.10" });
        var refused = await app.Http.PutAsJsonAsync("api/mappings/COST-1", new Dictionary<string, object?> { ["title"] = "Costed", ["unitCost"] = "4,10" });

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("\"column\":\"unit_cost\"", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(4.10m, (await app.App.Services.GetRequiredService<SkuMapStore>().GetAsync("COST-1", CancellationToken.None))!.UnitCost);
    }

    [Fact]
    public async Task EditMapping_AddEtsyListing_MappedWithStockKept()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        await ImportedAsync(app, Header + "EDIT-1,Edit me,4,,,,,,,\n");
        await Eventually.WaitAsync(async () => await app.AvailableAsync("EDIT-1") == 4, TimeSpan.FromSeconds(20), "counted");

        var response = await app.Http.PutAsJsonAsync("api/mappings/EDIT-1", new Dictionary<string, object?> { ["title"] = "Edited", ["etsyListingId"] = 1500000805, ["etsySku"] = "EDIT-1" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var mapping = await app.App.Services.GetRequiredService<SkuMapStore>().GetAsync("EDIT-1", CancellationToken.None);
        Assert.Equal(("Edited", new EtsyListing(1500000805, "EDIT-1")), (mapping!.Title, mapping.Etsy));
        Assert.Equal(4, await app.AvailableAsync("EDIT-1"));
    }

    [Fact]
    public async Task EditMapping_BadComponents_400AndUnchanged()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        await ImportedAsync(app, Header + "EDIT-2,Keep,,,,,,1500000806,EDIT-2,\n");

        var response = await app.Http.PutAsJsonAsync("api/mappings/EDIT-2", new Dictionary<string, object?> { ["title"] = "Changed", ["components"] = "EDIT-2:1" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"column\":\"components\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("Keep", (await app.App.Services.GetRequiredService<SkuMapStore>().GetAsync("EDIT-2", CancellationToken.None))!.Title);
    }

    [Theory]
    [InlineData("AB%0ACD")]
    [InlineData("AB%1B%5B31mCD")]
    [InlineData("AB%09CD")]
    public async Task EditMapping_SkuWithControlCharacter_400AndNothingMapped(string escapedSku)
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);

        var response = await app.Http.PutAsJsonAsync("api/mappings/" + escapedSku, new Dictionary<string, object?> { ["title"] = "Forged" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("control character", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(await app.App.Services.GetRequiredService<SkuMapStore>().GetAsync(Uri.UnescapeDataString(escapedSku), CancellationToken.None));
    }

    [Fact]
    public async Task DashboardPage_WithoutKey_LoadsWithStrictPolicy()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        using var anonymous = new HttpClient { BaseAddress = app.BaseUrl };

        var page = await anonymous.GetAsync("api/dashboard/");
        var missing = await anonymous.GetAsync("api/dashboard/secrets.json");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("Admin key", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    private sealed class StatusComparer : IEqualityComparer<SkuStatus>
    {
        public bool Equals(SkuStatus? x, SkuStatus? y) =>
            JsonSerializer.Serialize(x, FuncSyncJson.Default.SkuStatus) == JsonSerializer.Serialize(y, FuncSyncJson.Default.SkuStatus);

        public int GetHashCode(SkuStatus obj) => obj.Sku.GetHashCode(StringComparison.Ordinal);
    }
}

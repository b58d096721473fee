using FuncSync.App.Tests.Infrastructure;
using FuncSync.Catalog;
using FuncSync.Domain.Costing;
using FuncSync.Etsy;
using FuncSync.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.Cli.Tests;

/// <summary>The real commands, through the CLI's entry point, against the real app on loopback with Azurite.</summary>
[Collection(AzuriteTests.Name)]
public sealed class CliTests(AzuriteFixture azurite)
{
    private static async Task<(int Exit, string Out, string Err)> RunAsync(FuncSyncTestApp? app, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var connection = app is null ? [] : new[] { "--url", app.BaseUrl.ToString(), "--key", FuncSyncTestApp.AdminKey };
        var exit = await new CliApp(output, error, _ => null).RunAsync([.. args, .. connection]);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task StockCount_ThenAdjustNegative_LedgerMovesAndExitZero()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        await app.LoadAsync(new TestItem("CLI-COUNT", 2, 501));

        var count = await RunAsync(app, "stock", "count", "CLI-COUNT", "9", "--reason", "shelf count");
        var adjust = await RunAsync(app, "stock", "adjust", "CLI-COUNT", "-2", "--reason", "damaged");

        Assert.Equal((ExitCodes.Ok, string.Empty), (count.Exit, count.Err));
        Assert.Contains("on hand 9, committed 0, available 9", count.Out, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Ok, adjust.Exit);
        Assert.Equal(7, await app.AvailableAsync("CLI-COUNT"));
    }

    [Fact]
    public async Task StockAdjust_UnknownReason_RefusedWithApiSentence()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        await app.LoadAsync(new TestItem("CLI-REASON", 2, 502));

        var (exit, _, err) = await RunAsync(app, "stock", "adjust", "CLI-REASON", "1", "--reason", "vibes");

        Assert.Equal(ExitCodes.Refused, exit);
        Assert.Contains("reason must be one of", err, StringComparison.Ordinal);
        Assert.Equal(2, await app.AvailableAsync("CLI-REASON"));
    }

    [Fact]
    public async Task MappingsImportThenExport_RoundTripsAndCounts()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var folder = Directory.CreateTempSubdirectory("funcsync-cli-");
        var source = Path.Combine(folder.FullName, "in.csv");
        var exported = Path.Combine(folder.FullName, "out.csv");
        await File.WriteAllTextAsync(source,
            "sku,title,quantity,shopify_variant_id,shopify_inventory_item_id,shopify_location_id,etsy_listing_id,etsy_sku,components\n" +
            "CHAIN-40,40 cm chain,12,,,,,,\n" +
            "PENDANT,Pendant,3,,,,,,\n" +
            "SET,\"Set, boxed\",,4100000601,4300000601,6500000001,1500000601,SET,CHAIN-40:1;PENDANT:1\n");

        var import = await RunAsync(app, "mappings", "import", source, "--json");
        var export = await RunAsync(app, "mappings", "export", exported);

        Assert.True(import.Exit == ExitCodes.Ok, import.Err);
        Assert.Contains("\"state\":\"Completed\"", import.Out, StringComparison.Ordinal);
        Assert.Contains("\"appliedRows\":3", import.Out, StringComparison.Ordinal);
        Assert.Equal(12, await app.AvailableAsync("CHAIN-40"));
        Assert.Equal(ExitCodes.Ok, export.Exit);
        var rows = SkuMapCsv.Read(new StringReader(await File.ReadAllTextAsync(exported)));
        var set = Assert.Single(rows, r => r.Mapping.Sku == "SET");
        Assert.Equal("Set, boxed", set.Mapping.Title);
        Assert.Equal("CHAIN-40:1;PENDANT:1", ComponentList.Format(set.Mapping.Parts));
        Assert.All(rows, r => Assert.Null(r.Quantity));
        folder.Delete(recursive: true);
    }

    [Fact]
    public async Task MappingsImport_Accepted_ProgressBarUntilAppliedThenSummary()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var file = Path.Combine(Directory.CreateTempSubdirectory("funcsync-cli-").FullName, "many.csv");
        await File.WriteAllLinesAsync(file, ["sku,title,quantity", .. Enumerable.Range(1, 120).Select(n => $"BAR-{n:D3},Bar {n},{n % 5}")]);

        var (exit, output, err) = await RunAsync(app, "mappings", "import", file);

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("[##############################] 100%  120 / 120 SKUs", err, StringComparison.Ordinal);
        Assert.StartsWith("Import ", output, StringComparison.Ordinal);
        Assert.Contains("Completed, 120 of 120 SKUs applied, 120 with a starting quantity.", output, StringComparison.Ordinal);
        Assert.Equal(4, await app.AvailableAsync("BAR-004"));
    }

    [Fact]
    public async Task MappingsImport_JobFails_ExitsJobFailedWithTheReason()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var file = Path.Combine(Directory.CreateTempSubdirectory("funcsync-cli-").FullName, "doomed.csv");
        await File.WriteAllLinesAsync(file, ["sku,title,quantity", "DOOMED,Doomed,1"]);

        // The SKU map's table is gone, so every batch of the job fails until it is given up.
        await app.Storage.Table(app.Names.SkuMapTable).DeleteAsync();
        var (exit, _, err) = await RunAsync(app, "mappings", "import", file);

        Assert.Equal(ExitCodes.JobFailed, exit);
        Assert.Contains("The import failed:", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MappingsImport_BadRows_ListsEachAndWritesNothing()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var file = Path.Combine(Directory.CreateTempSubdirectory("funcsync-cli-").FullName, "bad.csv");
        await File.WriteAllTextAsync(file,
            "sku,title,quantity,etsy_listing_id,components\n" +
            "OK-1,Fine,1,1500000701,\n" +
            "BAD-QTY,Bad,-4,1500000702,\n" +
            "BAD-PART,Bad,,1500000703,X:zero\n");

        var (exit, _, err) = await RunAsync(app, "mappings", "import", file);

        Assert.Equal(ExitCodes.Refused, exit);
        Assert.Contains("line 3, quantity", err, StringComparison.Ordinal);
        Assert.Contains("line 4, components", err, StringComparison.Ordinal);
        Assert.Null(await app.App.Services.GetRequiredService<SkuMapStore>().GetAsync("OK-1", CancellationToken.None));
    }

    [Fact]
    public async Task Status_AllInSync_SummarisesAndExitsZero()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        await app.LoadAsync(new TestItem("CLI-STAT-1", 3, 503), new TestItem("CLI-STAT-2", 1, 504));
        await app.DrainedAsync(app.Names.ChannelPushQueue);

        var (exit, output, _) = await RunAsync(app, "status");

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.StartsWith("2 SKUs: 2 in sync", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_Oversold_ExitsDrift()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        await app.LoadAsync(new TestItem("CLI-OVER", 1, 505));
        await RunAsync(app, "stock", "adjust", "CLI-OVER", "-3", "--reason", "correction");

        var (exit, output, _) = await RunAsync(app, "status", "--json");

        Assert.Equal(ExitCodes.Drift, exit);
        Assert.Contains("\"state\":\"Oversold\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reconcile_EtsyEditedBehindOurBack_DriftExitThenFixedExitZero()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("CLI-DRIFT", 5, 506);
        await app.LoadAsync(item);
        await app.DrainedAsync(app.Names.ChannelPushQueue);
        app.Etsy.EditQuantityInShopManager(item.EtsyListingId, item.Sku, 9);

        var found = await RunAsync(app, "reconcile");
        var status = await RunAsync(app, "status");
        var fixedRun = await RunAsync(app, "reconcile", "--fix", "--json");

        Assert.Equal(ExitCodes.Drift, found.Exit);
        Assert.Contains("CLI-DRIFT on Etsy", found.Out, StringComparison.Ordinal);
        Assert.Contains("expected 5, shows 9", found.Out, StringComparison.Ordinal);
        Assert.StartsWith("Reconciling", found.Err, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Drift, status.Exit);
        Assert.Equal(ExitCodes.Ok, fixedRun.Exit);
        Assert.Contains("\"fixed\":true", fixedRun.Out, StringComparison.Ordinal);
        await Eventually.WaitAsync(() => app.Etsy.GetQuantity(item.EtsyListingId, item.Sku) == 5, TimeSpan.FromSeconds(20), "Etsy is back to 5");
    }

    [Fact]
    public async Task Alerts_OneRaisedOneCleared_ListsTheOpenOneAndAllWithJson()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var alerts = app.App.Services.GetRequiredService<FuncSync.Alerts.AlertSender>();
        await alerts.RaiseAsync(FuncSync.Alerts.AlertKind.PushFailed, "push:CLI-ALERT:Etsy", "Etsy refused CLI-ALERT: listing is not active", "CLI-ALERT", CancellationToken.None);
        await alerts.RaiseAsync(FuncSync.Alerts.AlertKind.LowStock, "low:CLI-GONE", "CLI-GONE is low", "CLI-GONE", CancellationToken.None);
        await app.DrainedAsync(app.Names.AlertsQueue);
        await alerts.ClearAsync(FuncSync.Alerts.AlertKind.LowStock, "low:CLI-GONE", CancellationToken.None);
        await app.DrainedAsync(app.Names.AlertsQueue);

        var open = await RunAsync(app, "alerts");
        var all = await RunAsync(app, "alerts", "--status", "all", "--json");

        Assert.Equal(ExitCodes.Ok, open.Exit);
        Assert.StartsWith("1 alert(s).", open.Out, StringComparison.Ordinal);
        Assert.Contains("[open] PushFailed CLI-ALERT: Etsy refused CLI-ALERT", open.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("CLI-GONE", open.Out, StringComparison.Ordinal);
        Assert.Contains("Next step: ", open.Out, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Ok, all.Exit);
        using var json = System.Text.Json.JsonDocument.Parse(all.Out);
        var statuses = json.RootElement.GetProperty("alerts").EnumerateArray().ToDictionary(a => a.GetProperty("sku").GetString()!, a => a.GetProperty("status").GetString());
        Assert.Equal("open", statuses["CLI-ALERT"]);
        Assert.Equal("resolved", statuses["CLI-GONE"]);
    }

    [Fact]
    public async Task AnyCommand_WrongKey_Refused()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = await new CliApp(output, error, _ => null).RunAsync(["status", "--url", app.BaseUrl.ToString(), "--key", "wrong"]);

        Assert.Equal(ExitCodes.Refused, exit);
        Assert.Contains("--key", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyCommand_NothingListening_Unreachable()
    {
        var (exit, _, err) = await RunAsync(null, "status", "--url", "http://127.0.0.1:9/", "--timeout", "5");

        Assert.Equal(ExitCodes.Unreachable, exit);
        Assert.Contains("could not be reached", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Command_MissingArgument_UsageError()
    {
        var (exit, _, err) = await RunAsync(null, "stock", "count", "SKU");

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("--reason", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulate_FlashSale_StrictNeverOversellsOneUnitItems()
    {
        var (exit, output, _) = await RunAsync(null, "simulate", "flash-sale", "--json");

        Assert.Equal(ExitCodes.Ok, exit);
        using var report = System.Text.Json.JsonDocument.Parse(output);
        var strict = report.RootElement.GetProperty("results").EnumerateArray().Single(r => r.GetProperty("policy").GetString() == "FuncSync strict");
        Assert.Equal(0, strict.GetProperty("oversold").GetInt32());
        var hourly = report.RootElement.GetProperty("results").EnumerateArray().Single(r => r.GetProperty("policy").GetString() == "hourly sync");
        Assert.True(hourly.GetProperty("oversold").GetInt32() > 0);
    }

    [Fact]
    public async Task Simulate_UnknownScenario_UsageError()
    {
        var (exit, _, err) = await RunAsync(null, "simulate", "no-such-scenario");

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("flash-sale", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PauseAddThenResume_ShopifyShowsZeroThenItsShareAndHistoryNamesWhoAndWhy()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("CLI-PAUSE", 4, 503);
        await app.LoadAsync(item);
        int ShopifyShows() => app.Shopify.GetAvailable(item.ShopifyInventoryItemId, TestItem.LocationId);

        var add = await RunAsync(app, "pause", "add", "--sku", "CLI-PAUSE", "--channel", "Shopify", "--reason", "holiday", "--by", "Maya", "--json");

        Assert.Equal((ExitCodes.Ok, string.Empty), (add.Exit, add.Err));
        var id = System.Text.Json.JsonDocument.Parse(add.Out).RootElement.GetProperty("id").GetString()!;
        await Eventually.WaitAsync(() => ShopifyShows() == 0, TimeSpan.FromSeconds(30), "Shopify shows 0 while paused");
        Assert.Equal(4, app.Etsy.GetQuantity(item.EtsyListingId, item.Sku));
        var list = await RunAsync(app, "pause", "list");
        Assert.Contains("CLI-PAUSE on Shopify: holiday (Maya", list.Out, StringComparison.Ordinal);

        var resume = await RunAsync(app, "pause", "resume", id, "--by", "Maya", "--reason", "back home");

        Assert.Equal(ExitCodes.Ok, resume.Exit);
        await Eventually.WaitAsync(() => ShopifyShows() == 4, TimeSpan.FromSeconds(30), "Shopify shows its share again");
        var history = System.Text.Json.JsonDocument.Parse((await RunAsync(app, "pause", "list", "--json")).Out).RootElement.GetProperty("history");
        Assert.Equal(["resumed", "paused"], history.EnumerateArray().Select(e => e.GetProperty("event").GetString()));
        Assert.Equal("back home", history[0].GetProperty("pause").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task PauseAddByTag_TaggedSkuShowsZeroOnThatChannelOnlyThenItsShareAgain()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var tagged = new TestItem("CLI-TAG-STALL", 3, 506);
        var other = new TestItem("CLI-TAG-OTHER", 5, 507);
        app.List(tagged.Mapping, 3);
        app.List(other.Mapping, 5);
        await app.ImportAsync(new SkuMapRow(tagged.Mapping with { Tags = ["market-day", "mugs"] }, 3), new SkuMapRow(other.Mapping with { Tags = ["mugs"] }, 5));
        await app.DrainedAsync(app.Names.ChannelPushQueue);
        int ShopifyShows(TestItem item) => app.Shopify.GetAvailable(item.ShopifyInventoryItemId, TestItem.LocationId);

        var add = await RunAsync(app, "pause", "add", "--tag", "Market-Day", "--channel", "Shopify", "--reason", "the stall has the stock on Saturday", "--by", "Maya", "--json");

        Assert.Equal((ExitCodes.Ok, string.Empty), (add.Exit, add.Err));
        var id = System.Text.Json.JsonDocument.Parse(add.Out).RootElement.GetProperty("id").GetString()!;
        await Eventually.WaitAsync(() => ShopifyShows(tagged) == 0, TimeSpan.FromSeconds(30), "Shopify shows 0 for the tagged SKU while paused");
        await app.DrainedAsync(app.Names.ChannelPushQueue);
        Assert.Equal(5, ShopifyShows(other));
        Assert.Equal(3, app.Etsy.GetQuantity(tagged.EtsyListingId, tagged.Sku));
        var list = await RunAsync(app, "pause", "list");
        Assert.Contains("SKUs tagged Market-Day on Shopify: the stall has the stock on Saturday (Maya", list.Out, StringComparison.Ordinal);

        var resume = await RunAsync(app, "pause", "resume", id, "--by", "Maya", "--reason", "market over");

        Assert.Equal(ExitCodes.Ok, resume.Exit);
        await Eventually.WaitAsync(() => ShopifyShows(tagged) == 3, TimeSpan.FromSeconds(30), "Shopify shows the allocation again");
        var history = System.Text.Json.JsonDocument.Parse((await RunAsync(app, "pause", "list", "--json")).Out).RootElement.GetProperty("history");
        Assert.Equal(["resumed", "paused"], history.EnumerateArray().Select(e => e.GetProperty("event").GetString()));
        Assert.Equal("Market-Day", history[1].GetProperty("pause").GetProperty("tag").GetString());
        Assert.Equal("Maya", history[1].GetProperty("pause").GetProperty("by").GetString());
    }

    [Fact]
    public async Task PauseAdd_TagNoSkuCarries_RefusedSayingNothingIsCovered()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        await app.LoadAsync(new TestItem("CLI-TAG-NONE", 1, 508));

        var (exit, _, err) = await RunAsync(app, "pause", "add", "--tag", "no-such-tag", "--channel", "Etsy", "--reason", "x", "--by", "Maya");

        Assert.Equal(ExitCodes.Refused, exit);
        Assert.Contains("No SKU in the SKU map is covered", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PauseAdd_UnknownChannel_RefusedNamingTheKnownOnes()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        await app.LoadAsync(new TestItem("CLI-PAUSE-BAD", 1, 504));

        var (exit, _, err) = await RunAsync(app, "pause", "add", "--sku", "CLI-PAUSE-BAD", "--channel", "Depop", "--reason", "x", "--by", "Maya");

        Assert.Equal(ExitCodes.Refused, exit);
        Assert.Contains("Depop is not a channel FuncSync knows", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CountRoundEnterReviewShrinkage_FlagsTheDifferenceAndReportsIt()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        await app.LoadAsync(new TestItem("CLI-COUNT", 10, 505));

        var round = await RunAsync(app, "count", "round", "--sku", "CLI-COUNT", "--by", "Maya", "--json");
        Assert.Equal((ExitCodes.Ok, string.Empty), (round.Exit, round.Err));
        var roundId = System.Text.Json.JsonDocument.Parse(round.Out).RootElement.GetProperty("round").GetProperty("id").GetString()!;

        var enter = await RunAsync(app, "count", "enter", roundId, "CLI-COUNT", "7");

        Assert.Equal(ExitCodes.Ok, enter.Exit);
        Assert.Contains("CLI-COUNT: counted 7, expected 10 (difference -3). Flagged for review", enter.Out, StringComparison.Ordinal);
        var countId = System.Text.RegularExpressions.Regex.Match(enter.Out, "count review (\\S+)").Groups[1].Value;
        var review = await RunAsync(app, "count", "review", countId, "--reason", "lost", "--by", "Maya");
        Assert.Contains("difference -3 recorded as lost", review.Out, StringComparison.Ordinal);
        var report = await RunAsync(app, "count", "shrinkage");
        Assert.Matches("\\d{4}-\\d{2} +1 +10 +7 +3 +30 % +no cost", report.Out);

        var outside = await RunAsync(app, "count", "round", "--sku", "NOT-A-SKU", "--by", "Maya");
        Assert.Equal(ExitCodes.Refused, outside.Exit);
        Assert.Contains("NOT-A-SKU is not a SKU", outside.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Margins_PricedSale_ReportedAndWrittenAsCsv()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("CLI-MARGIN", 3, 506);
        await app.LoadAtCostAsync(item, 12.5m);
        await app.SendSaleAsync("cli-margin-1", item.Mapping.Etsy!.Ref, 2, new Money(60m, "USD"));
        await Eventually.WaitAsync(async () => await app.AvailableAsync(item.Sku) == 1, TimeSpan.FromSeconds(30), "the sale is applied");

        var report = await RunAsync(app, "margins");
        var file = Path.Combine(Path.GetTempPath(), $"funcsync-margins-{Guid.NewGuid():N}.csv");
        var csv = await RunAsync(app, "margins", "--months", "1", "--csv", file);

        Assert.Equal((ExitCodes.Ok, string.Empty), (report.Exit, report.Err));
        Assert.Matches("\\d{4}-\\d{2} +CLI-MARGIN +2 +0 +USD +60\\.00 +25\\.00 +0 +0\\.00 +35\\.00", report.Out);
        Assert.Equal(ExitCodes.Ok, csv.Exit);
        try
        {
            Assert.Contains(",CLI-MARGIN,CLI-MARGIN,USD,2,0,2,60.00,0.00,60.00,12.50,25.00,0,0.00,35.00,58.3", await File.ReadAllTextAsync(file), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }

        var refused = await RunAsync(app, "margins", "--months", "0");
        Assert.Equal(ExitCodes.Refused, refused.Exit);
        Assert.Contains("months must be between 1 and 120", refused.Err, StringComparison.Ordinal);
    }
}

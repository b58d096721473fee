using System.Net;
using System.Text;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Catalog;
using FuncSync.Domain.Costing;
using FuncSync.Etsy;
using FuncSync.Shopify;
using FuncSync.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace FuncSync.App.Tests.Dashboard;

/// <summary>The dashboard in a real browser against the real app, Azurite and the channel simulators.</summary>
[Collection(AzuriteTests.Name)]
public sealed class DashboardBrowserTests(AzuriteFixture azurite, Chromium chromium) : IClassFixture<Chromium>
{
    private static readonly AxeRunOptions WcagAa = new() { RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21aa"] } };

    [Fact]
    public async Task Grid_Loaded_ShowsEverySkuWithWhatEachChannelShows()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        await app.LoadAsync(new TestItem("GRID-A", 4, 401), new TestItem("GRID-B", 0, 402));
        var page = await chromium.OpenDashboardAsync(app.BaseUrl, FuncSyncTestApp.AdminKey);

        await Assertions.Expect(page.Locator("#stock-grid tbody tr")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("tr[data-sku='GRID-A'] td[data-channel='Etsy'] .shown")).ToHaveTextAsync("4");
        await Assertions.Expect(page.Locator("tr[data-sku='GRID-A'] .available")).ToHaveTextAsync("4");
        await Chromium.ScreenshotAsync(page, "grid");

        await page.GetByLabel("Search").FillAsync("grid-b");
        await Assertions.Expect(page.Locator("#stock-grid tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#stock-grid tbody tr")).ToHaveAttributeAsync("data-sku", "GRID-B");
    }

    [Fact]
    public async Task Grid_SaleOnShopify_EtsyFigureChangesWithoutReload()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("LIVE-01", 5, 403);
        await app.LoadAsync(item);
        var page = await chromium.OpenDashboardAsync(app.BaseUrl, FuncSyncTestApp.AdminKey);
        var etsy = page.Locator("tr[data-sku='LIVE-01'] td[data-channel='Etsy'] .shown");
        await Assertions.Expect(etsy).ToHaveTextAsync("5");
        await page.EvaluateAsync("window.sameDocument = true");

        var order = await app.Shopify.PlaceOrderAsync([(item.ShopifyVariantId, 2)]);

        Assert.Equal(HttpStatusCode.OK, order!.WebhookStatus);
        await Assertions.Expect(etsy).ToHaveTextAsync("3");
        await Assertions.Expect(page.Locator("tr[data-sku='LIVE-01'] .available")).ToHaveTextAsync("3");
        Assert.True(await page.EvaluateAsync<bool>("window.sameDocument === true"), "the page was not reloaded");
        await Chromium.ScreenshotAsync(page, "grid-after-sale");
    }

    [Fact]
    public async Task Grid_CountOfOneSku_ArrivesAsADeltaOfThatRowWithoutReadingTheCatalogue()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        await app.LoadAsync(new TestItem("DELTA-01", 5, 421), new TestItem("DELTA-02", 6, 422));
        await app.DrainedAsync(app.Names.ChannelPushQueue);
        var page = await chromium.OpenDashboardAsync(app.BaseUrl, FuncSyncTestApp.AdminKey);
        await Assertions.Expect(page.Locator("tr[data-sku='DELTA-01'] .available")).ToHaveTextAsync("5");
        await Assertions.Expect(page.Locator("#grid-summary")).ToContainTextAsync("1–2 of 2 SKUs shown");
        var asked = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var deltas = new System.Collections.Concurrent.ConcurrentQueue<IResponse>();
        page.Response += (_, response) =>
        {
            var url = new Uri(response.Url);
            if (url.AbsolutePath == "/api/skus")
            {
                asked.Enqueue(url.Query);
                deltas.Enqueue(response);
            }
        };
        async Task<List<string>> BodiesAsync() => [.. await Task.WhenAll(deltas.Select(r => r.TextAsync()))];

        // Rows changed shortly before a token come again in the next answers; once those have passed, a poll answers none.
        await Eventually.WaitAsync(async () => (await BodiesAsync()).Any(b => b.Contains("\"skus\":[]", StringComparison.Ordinal)), TimeSpan.FromSeconds(30), "a poll of the unchanged shop answers no rows");
        var quiet = deltas.Count;
        var quietAsked = asked.Count;
        (await app.CountAsync("DELTA-01", """{"quantity": 2}""")).EnsureSuccessStatusCode();

        await Assertions.Expect(page.Locator("tr[data-sku='DELTA-01'] .available")).ToHaveTextAsync("2");
        await Assertions.Expect(page.Locator("tr[data-sku='DELTA-02'] .available")).ToHaveTextAsync("6");
        // Changes only (and the counts again if an alert moved meanwhile): never a page or the whole list.
        Assert.All(asked.Skip(quietAsked), query => Assert.True(query.StartsWith("?since=", StringComparison.Ordinal) || query == "?summary=true", query));
        var after = (await BodiesAsync()).Skip(quiet).ToList();
        Assert.Contains(after, body => body.Contains("\"sku\":\"DELTA-01\"", StringComparison.Ordinal) && body.Contains("\"available\":2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Mappings_CsvWithOneBadRow_ShowsTheRowAndImportsNothing()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var page = await chromium.OpenDashboardAsync(app.BaseUrl, FuncSyncTestApp.AdminKey);
        await page.GetByRole(AriaRole.Link, new() { Name = "Mappings" }).ClickAsync();
        const string csv = "sku,title,quantity,shopify_variant_id,shopify_inventory_item_id,shopify_location_id,etsy_listing_id,etsy_sku\n" +
            "GOOD-1,Good,3,,,,1500000501,GOOD-1\n" +
            "BAD-1,Bad,2,12ab,43,65,,\n";

        await page.GetByLabel("SKU map file").SetInputFilesAsync(new FilePayload { Name = "skumap.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) });
        await page.GetByRole(AriaRole.Button, new() { Name = "Import" }).ClickAsync();

        var error = page.Locator("#import-errors tbody tr");
        await Assertions.Expect(error).ToHaveCountAsync(1);
        await Assertions.Expect(error.Locator("td").Nth(0)).ToHaveTextAsync("3");
        await Assertions.Expect(error.Locator("td").Nth(1)).ToHaveTextAsync("shopify_variant_id");
        await Chromium.ScreenshotAsync(page, "import-error");
        Assert.Null(await app.App.Services.GetRequiredService<SkuMapStore>().GetAsync("GOOD-1", CancellationToken.None));
    }

    [Fact]
    public async Task Mappings_GoodCsv_ProgressUntilImportedThenListed()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var page = await chromium.OpenDashboardAsync(app.BaseUrl, FuncSyncTestApp.AdminKey);
        await page.GetByRole(AriaRole.Link, new() { Name = "Mappings" }).ClickAsync();
        var csv = "sku,title,quantity\n" + string.Concat(Enumerable.Range(1, 150).Select(n => $"JOB-{n:D3},Job {n},{n % 4}\n"));

        await page.GetByLabel("SKU map file").SetInputFilesAsync(new FilePayload { Name = "skumap.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) });
        await page.GetByRole(AriaRole.Button, new() { Name = "Import" }).ClickAsync();

        await Assertions.Expect(page.Locator("#mappings tbody tr")).ToHaveCountAsync(150, new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("tr[data-sku='JOB-150']")).ToBeVisibleAsync();
        Assert.Equal(2, await app.AvailableAsync("JOB-150"));
        await Chromium.ScreenshotAsync(page, "import-done");
    }

    [Fact]
    public async Task SkuPage_CountWithReason_AvailableChangesAndHistoryShowsIt()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        await app.LoadAsync(new TestItem("PAGE-01", 2, 405));
        var page = await chromium.OpenDashboardAsync(app.BaseUrl, FuncSyncTestApp.AdminKey);
        await page.GetByRole(AriaRole.Link, new() { Name = "PAGE-01" }).ClickAsync();

        await page.GetByLabel("Counted on the shelf").FillAsync("7");
        await page.GetByLabel("Reason or note").FillAsync("stocktake");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set count" }).ClickAsync();

        await Assertions.Expect(page.Locator("#sku-available")).ToHaveTextAsync("7");
        await Assertions.Expect(page.Locator("#history tbody tr").First).ToContainTextAsync("2 → 7");
        await Chromium.ScreenshotAsync(page, "sku-page");
        Assert.Equal(7, await app.AvailableAsync("PAGE-01"));
    }

    [Fact]
    public async Task Calculator_SellersFigures_ShowsCurrentToolAgainstFuncSync()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var page = await chromium.OpenDashboardAsync(app.BaseUrl, FuncSyncTestApp.AdminKey);
        await page.SetViewportSizeAsync(390, 844);
        await page.GetByRole(AriaRole.Link, new() { Name = "Oversell cost" }).ClickAsync();

        await page.GetByLabel("Your current tool syncs every … minutes").FillAsync("60");
        await page.GetByRole(AriaRole.Button, new() { Name = "Estimate" }).ClickAsync();

        await Assertions.Expect(page.Locator("#calculator-table tbody tr")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("#calculator-table tbody tr").First).ToContainTextAsync("your current tool");
        await Chromium.ScreenshotAsync(page, "calculator-phone");
    }

    [Fact]
    public async Task EveryPage_Axe_NoWcagAaViolations()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        await app.LoadAsync(new TestItem("AXE-01", 3, 406));
        var page = await chromium.OpenDashboardAsync(app.BaseUrl, FuncSyncTestApp.AdminKey);
        var options = new AxeRunOptions { RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21aa"] } };
        (string Hash, string Ready)[] pages =
        [
            ("#/", "#stock-grid"), ("#/sku/AXE-01", "#history"), ("#/mappings", "#mappings"),
            ("#/channels", "#etsy-title"), ("#/calculator", "#calculator-form"), ("#/alerts", "#view h2"), ("#/launches", "#launch-form"), ("#/settings", "#settings-form"), ("#/pauses", "#pause-form"), ("#/standing", "#view h2"), ("#/counts", "#round-form"), ("#/margins", "#margins-form"),
        ];
        var violations = new List<string>();

        // The grid's rows are another test's business (they come with its first poll); here the page's structure is checked.
        foreach (var (hash, ready) in pages)
        {
            await page.EvaluateAsync($"location.hash = '{hash}'");
            try
            {
                await page.Locator(ready).First.WaitForAsync();
            }
            catch (TimeoutException)
            {
                Assert.Fail($"{hash} did not render: {await page.Locator("#view").InnerTextAsync()}");
            }

            var result = await page.RunAxe(options);
            violations.AddRange(result.Violations.Select(v => $"{hash}: {v.Id} ({v.Impact}) {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}"));
        }

        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public async Task Alerts_OpenAlert_AcknowledgedFromThePage()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("ALERT-01", 1, 404);
        await app.LoadAsync(item);

        // Two sales of the last unit, an oversell that raises an alert naming the SKU. Not two Shopify orders: once
        // FuncSync has pushed 0 there, Shopify refuses the second, so the oversell depended on which came first. The
        // Etsy buyer pays first; the sale arrives at the next poll, after Shopify's.
        app.Etsy.PlaceOrder(item.EtsyListingId, item.Sku, 1);
        await app.Shopify.PlaceOrderAsync([(item.ShopifyVariantId, 1)]);
        await Eventually.WaitAsync(async () => await app.AvailableAsync(item.Sku) == 0, TimeSpan.FromSeconds(30), "the Shopify sale is applied");
        await app.RunTimerAsync(FuncSync.Etsy.EtsyReceiptPollFunction.Name);
        await Eventually.WaitAsync(async () => await app.AvailableAsync(item.Sku) == -1, TimeSpan.FromSeconds(30), "the Etsy sale is applied");
        await app.DrainedAsync(app.Names.AlertsQueue);
        var page = await chromium.OpenDashboardAsync(app.BaseUrl, FuncSyncTestApp.AdminKey);
        await page.GetByRole(AriaRole.Link, new() { Name = "Alerts" }).ClickAsync();
        // Other alerts may be open beside it (and newer, so listed first): find the one about this SKU.
        var open = page.Locator("li.alert[data-status='open']").Filter(new() { HasText = "ALERT-01" }).First;
        await Assertions.Expect(open).ToBeVisibleAsync();

        await open.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();

        await Assertions.Expect(page.Locator("li.alert[data-status='acknowledged']")).ToHaveCountAsync(1);
        await Chromium.ScreenshotAsync(page, "alerts");
    }

    [Fact]
    public async Task Alerts_Oversell_SuggestsTheOrderToCancelWithAMessageForItsBuyer()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("OVER-01", 1, 408);
        await app.LoadAsync(item);

        // The Etsy buyer pays first, but the sale reaches FuncSync at the next poll, after Shopify's.
        var receipt = app.Etsy.PlaceOrder(item.EtsyListingId, item.Sku, 1);
        await app.Shopify.PlaceOrderAsync([(item.ShopifyVariantId, 1)]);
        await Eventually.WaitAsync(async () => await app.AvailableAsync(item.Sku) == 0, TimeSpan.FromSeconds(30), "the Shopify sale is applied");
        await app.RunTimerAsync(FuncSync.Etsy.EtsyReceiptPollFunction.Name);
        await Eventually.WaitAsync(async () => await app.AvailableAsync(item.Sku) == -1, TimeSpan.FromSeconds(30), "the Etsy sale is applied");
        await app.DrainedAsync(app.Names.AlertsQueue);
        var page = await chromium.OpenDashboardAsync(app.BaseUrl, FuncSyncTestApp.AdminKey);

        // The oversell, and a cancellation-rate warning if the advice picked the Etsy order: open alerts either way.
        await Assertions.Expect(page.Locator("#nav-alert-count")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[1-9]$"));
        await Assertions.Expect(page.Locator("#grid-summary")).ToContainTextAsync("open alert");
        await page.GetByRole(AriaRole.Link, new() { Name = "Alerts" }).ClickAsync();
        var alert = page.Locator("li.alert[data-kind='Oversell']");
        await Assertions.Expect(alert.Locator(".alert-channel")).ToHaveTextAsync("Etsy");
        await Assertions.Expect(alert.Locator(".alert-message")).Not.ToContainTextAsync("Etsy Etsy");
        await Assertions.Expect(alert.Locator("table.oversell-orders tbody tr")).ToHaveCountAsync(2);
        await Assertions.Expect(alert.Locator($"tr[data-reference='Etsy receipt {receipt!.ReceiptId}']")).ToHaveCountAsync(1);
        var cancel = alert.Locator("tr.cancel");
        await Assertions.Expect(cancel).ToHaveCountAsync(1);
        var cancelled = await cancel.GetAttributeAsync("data-reference");
        await Assertions.Expect(alert.Locator(".next-step")).ToContainTextAsync($"Cancel ");
        await Assertions.Expect(alert.Locator(".next-step")).ToContainTextAsync(cancelled!);
        await Assertions.Expect(alert.GetByLabel($"Message for the buyer of {cancelled}")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex(System.Text.RegularExpressions.Regex.Escape(cancelled!)));
        var axe = await page.RunAxe(WcagAa);
        Assert.True(axe.Violations.Length == 0, string.Join(Environment.NewLine, axe.Violations.Select(v => $"{v.Id}: {v.Help}")));
        await Chromium.ScreenshotAsync(page, "alert-oversell");
    }

    [Fact]
    public async Task Grid_PhoneWidth_StateColumnStaysOnScreen()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        await app.LoadAsync(new TestItem("PHONE-LONG-SKU-01", 3, 409));
        var page = await chromium.OpenDashboardAsync(app.BaseUrl, FuncSyncTestApp.AdminKey);
        await page.SetViewportSizeAsync(390, 844);

        var state = page.Locator("tr[data-sku='PHONE-LONG-SKU-01'] td.state");
        await Assertions.Expect(state).ToBeVisibleAsync();
        var box = await state.BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.True(box.X >= 0 && box.X + box.Width <= 390, $"the state cell spans {box.X}..{box.X + box.Width} px on a 390-px screen");
        var sku = await page.Locator("tr[data-sku='PHONE-LONG-SKU-01'] th[scope='row']").BoundingBoxAsync();
        Assert.True(sku!.X >= 0 && sku.X < 390, "the SKU stays on screen too");
        var axe = await page.RunAxe(WcagAa);
        Assert.True(axe.Violations.Length == 0, string.Join(Environment.NewLine, axe.Violations.Select(v => $"{v.Id}: {v.Help}")));
        await Chromium.ScreenshotAsync(page, "grid-phone");
    }

    [Fact]
    public async Task Pauses_PauseOnShopifyThenResume_SimulatorShowsZeroThenTheAllocationAgain()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("PAUSE-01", 5, 410);
        await app.LoadAsync(item);
        int ShopifyShows() => app.Shopify.GetAvailable(item.ShopifyInventoryItemId, TestItem.LocationId);
        var page = await chromium.OpenDashboardAsync(app.BaseUrl, FuncSyncTestApp.AdminKey);
        await page.GetByRole(AriaRole.Link, new() { Name = "Pauses" }).ClickAsync();

        await page.GetByLabel("SKUs (space or comma separated").FillAsync(item.Sku);
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Shopify" }).CheckAsync();
        await page.GetByLabel("Why").FillAsync("market day: the stall has the stock");
        await page.GetByLabel("Your name").FillAsync("Maya");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pause", Exact = true }).ClickAsync();

        await Assertions.Expect(page.Locator("#pauses tbody tr")).ToHaveCountAsync(1);
        await Eventually.WaitAsync(() => ShopifyShows() == 0, TimeSpan.FromSeconds(30), "Shopify shows 0 while paused");
        Assert.Equal(5, app.Etsy.GetQuantity(item.EtsyListingId, item.Sku));
        await Assertions.Expect(page.Locator("#pause-history tbody tr").First).ToContainTextAsync("Maya");
        var axe = await page.RunAxe(WcagAa);
        Assert.True(axe.Violations.Length == 0, string.Join(Environment.NewLine, axe.Violations.Select(v => $"{v.Id}: {v.Help}")));
        await Chromium.ScreenshotAsync(page, "pauses");

        await page.GetByRole(AriaRole.Button, new() { Name = $"Resume {item.Sku} on Shopify" }).ClickAsync();

        await Assertions.Expect(page.Locator("#pauses")).ToHaveCountAsync(0);
        await Eventually.WaitAsync(() => ShopifyShows() == 5, TimeSpan.FromSeconds(30), "Shopify shows the allocation again");
        await Assertions.Expect(page.Locator("#pause-history tbody tr")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#pause-history tbody tr").First).ToContainTextAsync("resumed");
    }

    [Fact]
    public async Task Counts_RoundWithAVariance_FlaggedThenExplainedAndInShrinkage()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var short_ = new TestItem("COUNT-01", 10, 411);
        var exact = new TestItem("COUNT-02", 3, 412);
        await app.LoadAsync(short_, exact);
        var page = await chromium.OpenDashboardAsync(app.BaseUrl, FuncSyncTestApp.AdminKey);
        await page.GetByRole(AriaRole.Link, new() { Name = "Counts" }).ClickAsync();

        await page.GetByLabel("these SKUs").CheckAsync();
        await page.GetByLabel("SKUs (space or comma separated)").FillAsync($"{short_.Sku} {exact.Sku}");
        await page.GetByLabel("Your name").FillAsync("Maya");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start counting" }).ClickAsync();
        await Assertions.Expect(page.Locator("#round-lines tbody tr")).ToHaveCountAsync(2);

        await page.GetByLabel($"Counted on the shelf for {exact.Sku}").FillAsync("3");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Save count of {exact.Sku}" }).ClickAsync();
        await Assertions.Expect(page.Locator($"tr[data-sku='{exact.Sku}'] td.review")).ToHaveTextAsync("ok");
        await page.GetByLabel($"Counted on the shelf for {short_.Sku}").FillAsync("8");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Save count of {short_.Sku}" }).ClickAsync();

        var flagged = page.Locator($"tr[data-sku='{short_.Sku}']");
        await Assertions.Expect(flagged).ToHaveAttributeAsync("data-flagged", "true");
        await Assertions.Expect(flagged.Locator("td.variance")).ToContainTextAsync("-2");
        await Assertions.Expect(page.Locator("#round-summary")).ToContainTextAsync("2 of 2 counted; 1 awaiting a reason");
        Assert.Equal(8, await app.AvailableAsync(short_.Sku));
        var axe = await page.RunAxe(WcagAa);
        Assert.True(axe.Violations.Length == 0, string.Join(Environment.NewLine, axe.Violations.Select(v => $"{v.Id}: {v.Help}")));
        await Chromium.ScreenshotAsync(page, "count-round");

        await page.GetByLabel($"Reason for the difference on {short_.Sku}").SelectOptionAsync("damaged");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Record reason for {short_.Sku}" }).ClickAsync();

        await Assertions.Expect(flagged.Locator("td.review")).ToHaveTextAsync("reason: damaged");
        await page.GetByRole(AriaRole.Link, new() { Name = "All rounds and shrinkage" }).ClickAsync();
        var month = page.Locator("#shrinkage tbody tr").First;
        await Assertions.Expect(month.Locator("td").Nth(3)).ToHaveTextAsync("2");
        await Assertions.Expect(month).ToContainTextAsync("damaged 2");
        await Assertions.Expect(page.Locator("#awaiting-review")).ToHaveCountAsync(0);
        await Chromium.ScreenshotAsync(page, "counts");
    }

    [Fact]
    public async Task Margins_PricedSalesAndAnOversell_RevenueCostAndMarginThenExported()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("MARGIN-UI-01", 1, 413);
        await app.LoadAtCostAsync(item, 10m);
        await app.SendSaleAsync("margin-ui-1", item.Mapping.Etsy!.Ref, 1, new Money(40m, "GBP"));
        await Eventually.WaitAsync(async () => await app.AvailableAsync(item.Sku) == 0, TimeSpan.FromSeconds(30), "the Etsy sale is applied");
        await app.SendSaleAsync("margin-ui-2", item.Mapping.Shopify!.Ref, 1, new Money(38m, "GBP"));
        await Eventually.WaitAsync(async () => await app.AvailableAsync(item.Sku) == -1, TimeSpan.FromSeconds(30), "the Shopify sale is applied, oversold");
        var page = await chromium.OpenDashboardAsync(app.BaseUrl, FuncSyncTestApp.AdminKey);

        await page.GetByRole(AriaRole.Link, new() { Name = "Margins" }).ClickAsync();

        var row = page.Locator($"#margins tr[data-sku='{item.Sku}']");
        await Assertions.Expect(row.Locator("td.revenue")).ToContainTextAsync("78.00");
        await Assertions.Expect(row.Locator("td.cogs")).ToContainTextAsync("20.00");
        await Assertions.Expect(row.Locator("td.oversell-cost")).ToContainTextAsync("24.02");
        await Assertions.Expect(row.Locator("td.margin")).ToContainTextAsync("33.98");
        var axe = await page.RunAxe(WcagAa);
        Assert.True(axe.Violations.Length == 0, string.Join(Environment.NewLine, axe.Violations.Select(v => $"{v.Id}: {v.Help}")));
        await Chromium.ScreenshotAsync(page, "margins");

        // The seller's own figures for an oversell: no time, no reputation, all fees back.
        await page.GetByLabel("Minutes spent on each oversold order").FillAsync("0");
        await page.GetByLabel("Reputation cost per cancelled order").FillAsync("0");
        await page.GetByLabel("Fees you do not get back on a refund, % of the order").FillAsync("0");
        await page.GetByRole(AriaRole.Button, new() { Name = "Update" }).ClickAsync();
        await Assertions.Expect(row.Locator("td.margin")).ToContainTextAsync("58.00");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Export margins (CSV)" }).ClickAsync());
        var csv = await File.ReadAllTextAsync(await download.PathAsync());
        Assert.Contains($",{item.Sku},{item.Sku},GBP,2,0,2,78.00,0.00,78.00,10.00,20.00,1,0.00,58.00,", csv, StringComparison.Ordinal);
    }
}

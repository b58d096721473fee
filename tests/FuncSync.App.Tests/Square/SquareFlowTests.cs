using FuncSync.Catalog;
using FuncSync.Shopify;
using FuncSync.Square;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Square;

/// <summary>A market stall on Square beside the online shops, end to end: the Square simulator's signed notifications,
/// the real app, queues and ledger on Azurite, and the Shopify and Etsy simulators over HTTP.</summary>
[Collection(AzuriteTests.Name)]
public sealed class SquareFlowTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    // Long enough for an online order's sale to reach the ledger before its count change is judged.
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    // The level check out of play: what reaches the channels in these tests came from Square's change log.
    private static readonly TimeSpan NoLevelCheck = TimeSpan.FromHours(1);

    [Fact]
    public async Task RegisterSale_LevelCheckDelayAnHour_ReachesShopifyAndEtsyAtOnce()
    {
        await using var app = await SquareTestApp.StartAsync(azurite, NoLevelCheck);
        var mapping = await app.LoadAsync("STALL-01", 5, 301);

        await app.Square.SellAtRegisterAsync(mapping.Square!.VariationId, SquareTestApp.Stall);

        await app.WaitUntilEverywhereAsync(mapping, 4, "the register's sale shows on every channel");
        await app.SettledAsync();
        Assert.Equal(4, await app.App.AvailableAsync(mapping.Sku));
        Assert.Equal(0, await app.LevelChecksQueuedAsync());
        Assert.Equal(1, await app.SoldOnSquareAsync(mapping));
    }

    [Fact]
    public async Task OnlineOrder_AlsoFiresCountChange_AppliedOnce()
    {
        await using var app = await SquareTestApp.StartAsync(azurite, NoLevelCheck);
        var mapping = await app.LoadAsync("ONLINE-01", 5, 302);

        var order = await app.Square.PlaceOnlineOrderAsync([(mapping.Square!.VariationId, 2)], SquareTestApp.Stall);

        await app.WaitUntilEverywhereAsync(mapping, 3, "the online order shows on every channel");
        await app.SettledAsync();
        Assert.Equal(3, await app.App.AvailableAsync(mapping.Sku));
        Assert.Equal(3, app.SquareCount(mapping));
        Assert.Equal(System.Net.HttpStatusCode.OK, order.WebhookStatus);
        Assert.Equal(0, await app.LevelChecksQueuedAsync());
        Assert.Equal(2, await app.SoldOnSquareAsync(mapping));
    }

    [Fact]
    public async Task OnlineOrder_NotificationLate_ImportedFromTheChangeLogUnderTheOrdersIds()
    {
        await using var app = await SquareTestApp.StartAsync(azurite, NoLevelCheck);
        var mapping = await app.LoadAsync("LATE-01", 5, 307);
        var orderId = app.Square.CreateOnlineOrder([(mapping.Square!.VariationId, 2)], SquareTestApp.Stall);

        // Only the count notification arrives: the change log names the order, which is imported now.
        Assert.Equal(System.Net.HttpStatusCode.OK, await app.PostCountUpdatedAsync(mapping, "evt-late-count"));
        await app.WaitUntilEverywhereAsync(mapping, 3, "the order, read through its sale in the change log, shows on every channel");

        // The order's own notification, late, carries the same order and lines: nothing more moves.
        Assert.Equal(System.Net.HttpStatusCode.OK, await app.PostOrderCreatedAsync(orderId, "evt-late-order"));
        await app.SettledAsync();
        Assert.Equal(3, await app.App.AvailableAsync(mapping.Sku));
        Assert.Equal(2, await app.SoldOnSquareAsync(mapping));
        Assert.Equal(0, await app.LevelChecksQueuedAsync());
    }

    [Fact]
    public async Task DraftOrder_Ignored_TakenOnceWhenOpened()
    {
        await using var app = await SquareTestApp.StartAsync(azurite, NoLevelCheck);
        var mapping = await app.LoadAsync("DRAFT-01", 5, 303);

        var draft = await app.Square.PlaceOnlineOrderAsync([(mapping.Square!.VariationId, 1)], SquareTestApp.Stall, draft: true);
        await app.SettledAsync();
        Assert.Equal(5, await app.App.AvailableAsync(mapping.Sku));

        await app.Square.OpenDraftAsync(draft.OrderId);

        await app.WaitUntilEverywhereAsync(mapping, 4, "the opened order shows on every channel");
        await app.SettledAsync();
        Assert.Equal(4, await app.App.AvailableAsync(mapping.Sku));
    }

    [Fact]
    public async Task ShopifySale_PushedToSquare_EchoNotTakenForASale()
    {
        await using var app = await SquareTestApp.StartAsync(azurite, NoLevelCheck);
        var mapping = await app.LoadAsync("ECHO-01", 5, 304);

        await app.App.Shopify.PlaceOrderAsync([(mapping.Shopify!.VariantId, 1)]);

        await app.WaitUntilEverywhereAsync(mapping, 4, "the Shopify sale is written to Square");
        await Eventually.WaitAsync(() => app.Square.Deliveries.Any(d => d.Topic == "inventory.count.updated" && (int)d.Status == 200), Deadline, "Square reported FuncSync's own write");
        await app.SettledAsync();
        Assert.Equal(4, await app.App.AvailableAsync(mapping.Sku));
        Assert.Equal(4, app.SquareCount(mapping));
        Assert.Equal(0, await app.SoldOnSquareAsync(mapping));
        Assert.Equal(0, await app.LevelChecksQueuedAsync());
    }

    [Fact]
    public async Task OfflineSale_UploadedAfterFuncSyncsWrite_AppliedOnceAndKeptByTheAdjustment()
    {
        await using var app = await SquareTestApp.StartAsync(azurite, NoLevelCheck);
        var mapping = await app.LoadAsync("OFFLINE-01", 5, 305);
        app.Square.SellOffline(mapping.Square!.VariationId, SquareTestApp.Stall);

        // FuncSync writes Square while the register is offline; the sale it has not heard of happened before that write.
        await app.App.Shopify.PlaceOrderAsync([(mapping.Shopify!.VariantId, 1)]);
        await app.WaitUntilEverywhereAsync(mapping, 4, "the Shopify sale is written to Square");
        await app.SettledAsync();
        await app.Square.UploadOfflineSalesAsync();

        await app.WaitUntilEverywhereAsync(mapping, 3, "the offline sale, uploaded late, shows on every channel");

        // Square redelivers the upload's notification: the sale keeps its change's id and counts once.
        Assert.Equal(System.Net.HttpStatusCode.OK, await app.PostCountUpdatedAsync(mapping, "evt-offline-again"));
        await app.SettledAsync();
        Assert.Equal(3, await app.App.AvailableAsync(mapping.Sku));
        Assert.Equal(1, await app.SoldOnSquareAsync(mapping));
        Assert.Equal(0, await app.LevelChecksQueuedAsync());
    }

    [Fact]
    public async Task CountAtRegister_SetsEveryChannel()
    {
        await using var app = await SquareTestApp.StartAsync(azurite, Settle);
        var mapping = await app.LoadAsync("COUNT-01", 5, 306);

        await app.Square.CountAtRegisterAsync(mapping.Square!.VariationId, SquareTestApp.Stall, 7);

        await app.WaitUntilEverywhereAsync(mapping, 7, "the register's count shows on every channel");
    }

    [Fact]
    public async Task RateLimitedBurst_PushesRetried_NothingLost()
    {
        await using var app = await SquareTestApp.StartAsync(azurite, Settle);
        var items = new List<SkuMapping>();
        for (var i = 0; i < 4; i++)
        {
            items.Add(await app.LoadAsync($"BURST-{i:D2}", 6, 310 + i));
        }

        // Half of Square's answers are 429 for a while: longer than one request's retries, so pushes also fail and
        // come back through the queue.
        app.Square.Options.RateLimitedShare = 0.5;
        app.Square.RateLimitNext(10);
        foreach (var item in items)
        {
            await app.App.Shopify.PlaceOrderAsync([(item.Shopify!.VariantId, 2)]);
        }

        foreach (var item in items)
        {
            await app.WaitUntilEverywhereAsync(item, 4, $"{item.Sku} reached Square through the 429s");
        }

        app.Square.Options.RateLimitedShare = 0;
        await app.SettledAsync();
        Assert.True(app.Square.RateLimited >= 10);
        Assert.All(items, item => Assert.Equal(4, app.SquareCount(item)));
    }
}

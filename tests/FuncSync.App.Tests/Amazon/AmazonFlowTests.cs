using Azure.Data.Tables;
using FuncSync.Alerts;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Amazon;
using FuncSync.Catalog;
using FuncSync.Domain;
using FuncSync.Domain.Costing;
using FuncSync.Push;
using FuncSync.Shopify;
using FuncSync.Simulators.Amazon;
using FuncSync.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.App.Tests.Amazon;

/// <summary>Amazon beside the online shops, end to end: the Amazon simulator's SP-API and SQS queue, the real app,
/// queues and ledger on Azurite, and the Shopify and Etsy simulators over HTTP.</summary>
[Collection(AzuriteTests.Name)]
public sealed class AmazonFlowTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task MerchantSale_ViaSqsNotification_ReachesShopifyAndEtsyAndIsDeleted()
    {
        await using var test = await AmazonTestApp.StartAsync(azurite);
        var mapping = await test.LoadAsync("AMZ-SQS-1", 8, 9101);

        test.Amazon.PlaceOrder([(mapping.Amazon!.SellerSku, 2)]);

        await test.WaitUntilEverywhereAsync(mapping, 6, "the Amazon sale reached every channel by its notification");
        await Eventually.WaitAsync(() => Task.FromResult(test.Amazon.QueueDepth == 0), Deadline, "the notification is deleted once applied");
    }

    [Fact]
    public async Task MerchantSale_PollOnly_ReachesShopifyAndEtsy()
    {
        await using var test = await AmazonTestApp.StartAsync(azurite, notifications: false);
        var mapping = await test.LoadAsync("AMZ-POLL-1", 8, 9102);
        await test.PollAsync(); // The first pass starts the watermark at now.

        test.Amazon.PlaceOrder([(mapping.Amazon!.SellerSku, 3)], notify: false);

        await Eventually.WaitAsync(
            async () =>
            {
                await test.PollAsync();
                return await test.App.AvailableAsync(mapping.Sku) == 5;
            },
            Deadline,
            "the orders poll found the sale");
        await test.WaitUntilEverywhereAsync(mapping, 5, "the polled sale reached every channel");
    }

    [Fact]
    public async Task MerchantSale_PollOnly_LedgerKeepsItemPriceLessPromotion()
    {
        await using var test = await AmazonTestApp.StartAsync(azurite, notifications: false);
        var mapping = await test.LoadAsync("AMZ-PRICE-1", 8, 9103);
        var sellerSku = mapping.Amazon!.SellerSku;
        test.Amazon.SetPrice(sellerSku, 16.00m);
        test.Amazon.SetPromotionPercent(sellerSku, 10);
        await test.PollAsync(); // The first pass starts the watermark at now.

        test.Amazon.PlaceOrder([(sellerSku, 2)], notify: false);

        // ItemPrice 32.00 for the two units, PromotionDiscount 3.20.
        SoldLine? sold = null;
        await Eventually.WaitAsync(
            async () =>
            {
                await test.PollAsync();
                sold = (await test.App.SoldLinesAsync()).FirstOrDefault(l => l.Sku == mapping.Sku);
                return sold is not null;
            },
            Deadline,
            "the orders poll brought the sale to the ledger's order lines");
        Assert.Equal(2, sold!.Units);
        Assert.Equal(new Money(28.80m, "USD"), sold.Paid);
    }

    [Fact]
    public async Task SameOrder_NotificationAndPoll_CountsOnce()
    {
        await using var test = await AmazonTestApp.StartAsync(azurite, notifications: false);
        var mapping = await test.LoadAsync("AMZ-BOTH-1", 8, 9103);
        test.Amazon.SetPrice(mapping.Amazon!.SellerSku, 16.00m);
        await test.PollAsync();
        test.Amazon.PlaceOrder([(mapping.Amazon!.SellerSku, 2)]);

        // Received as the timer's ticks would: an apply that fails (a busy machine's storage timeout) leaves the message
        // for a later receive, as SQS intends; what this test holds to is that the sale counts once.
        await Eventually.WaitAsync(async () => await test.ReceiveAsync() == 1, Deadline, "the notification is applied and deleted");
        await test.SettledAsync();
        await Eventually.WaitAsync(
            async () =>
            {
                await test.PollAsync();
                return test.Amazon.Requests(AmazonRateLimit.GetOrderItems) >= 1;
            },
            Deadline,
            "the orders poll read the same order");
        await test.SettledAsync();

        Assert.Equal(6, await test.App.AvailableAsync(mapping.Sku));
        Assert.Equal(1, test.Amazon.Deleted);
        await test.WaitUntilEverywhereAsync(mapping, 6, "one sale, counted once");

        // The notification carries no price; the poll's copy of the order gave the sale its line's.
        var sold = Assert.Single(await test.App.SoldLinesAsync(), l => l.Sku == mapping.Sku);
        Assert.Equal((2, new Money(32.00m, "USD")), (sold.Units, sold.Paid));
    }

    [Fact]
    public async Task SqsMessage_ApplyFails_NotDeletedAndAppliedWhenReceivedAgain()
    {
        await using var test = await AmazonTestApp.StartAsync(azurite, notifications: false);
        var mapping = await test.LoadAsync("AMZ-FAIL-1", 8, 9104);
        var order = test.Amazon.PlaceOrder([(mapping.Amazon!.SellerSku, 1)]);

        // The SKU's own row says unmapped while its listing row still names it: applying the sale throws.
        var skuMap = test.App.Storage.Table(test.App.Names.SkuMapTable);
        var row = skuMap.Query<TableEntity>(e => e.RowKey == "sku|" + mapping.Sku).Single();
        await skuMap.UpdateEntityAsync(new TableEntity(row.PartitionKey, row.RowKey) { ["Mapped"] = false }, row.ETag, TableUpdateMode.Merge);

        Assert.Equal(0, await test.ReceiveAsync());
        Assert.Equal(1, test.Amazon.QueueDepth);
        Assert.Equal(1, test.Amazon.ReceiveCountOf(order));
        Assert.Equal(8, await test.App.AvailableAsync(mapping.Sku));

        await skuMap.UpdateEntityAsync(new TableEntity(row.PartitionKey, row.RowKey) { ["Mapped"] = true }, Azure.ETag.All, TableUpdateMode.Merge);
        await Eventually.WaitAsync(async () => await test.ReceiveAsync() == 1, Deadline, "the message comes back after its visibility timeout and is applied");

        Assert.Equal(0, test.Amazon.QueueDepth);
        Assert.Equal(1, test.Amazon.Deleted);
        await test.WaitUntilEverywhereAsync(mapping, 7, "the sale applied on the second receive");
    }

    [Fact]
    public async Task FbaOrderAndStock_NeverTouched()
    {
        await using var test = await AmazonTestApp.StartAsync(azurite);
        var item = new Infrastructure.TestItem("AMZ-FBA-1", 8, 9105) { OnAmazon = true };
        test.App.List(item.Mapping, 8);
        test.Amazon.AddListing(item.AmazonSellerSku, 8, fbaQuantity: 50);
        await test.App.ImportAsync(new SkuMapRow(item.Mapping, 8));
        await test.SettledAsync();

        test.Amazon.PlaceOrder([(item.AmazonSellerSku, 4)], fulfillmentChannel: "AFN");
        await Eventually.WaitAsync(() => Task.FromResult(test.Amazon.QueueDepth == 0), Deadline, "the FBA order's notification is handled");
        await test.App.Shopify.PlaceOrderAsync([(item.Mapping.Shopify!.VariantId, 1)]);
        await test.WaitUntilEverywhereAsync(item.Mapping, 7, "the Shopify sale reached Amazon's merchant quantity, the FBA order moved nothing");

        var availability = test.Amazon.GetAvailability(item.AmazonSellerSku);
        Assert.Equal(46, Assert.Single(availability, a => a.ChannelCode == "AMAZON_NA").Quantity);
        Assert.Single(availability, a => a.ChannelCode == "DEFAULT");
    }

    [Fact]
    public async Task BuyerCancellationRequest_Alerted_ThenCancellationRestocksOnce()
    {
        await using var test = await AmazonTestApp.StartAsync(azurite, notifications: false);
        var mapping = await test.LoadAsync("AMZ-CANCEL-1", 8, 9106);
        await test.PollAsync();
        var order = test.Amazon.PlaceOrder([(mapping.Amazon!.SellerSku, 2)]);
        await test.ReceiveAsync();
        await test.WaitUntilEverywhereAsync(mapping, 6, "the sale applied");

        test.Amazon.RequestCancellation(order);
        await test.ReceiveAsync();

        var alerts = test.App.App.Services.GetRequiredService<AlertStore>();
        await Eventually.WaitAsync(
            async () => (await alerts.ListAsync(CancellationToken.None)).Any(a => a.Kind == AlertKind.CancellationRequested && a.Message.Contains(order, StringComparison.Ordinal)),
            Deadline,
            "the buyer's request to cancel is alerted");
        Assert.Equal(6, await test.App.AvailableAsync(mapping.Sku));

        test.Amazon.CancelOrder(order);
        await test.ReceiveAsync();
        await test.SettledAsync();
        await Eventually.WaitAsync(
            async () =>
            {
                await test.PollAsync();
                return test.Amazon.Requests(AmazonRateLimit.GetOrderItems) >= 1;
            },
            Deadline,
            "the orders poll read the cancelled order too");
        await test.SettledAsync();

        await test.WaitUntilEverywhereAsync(mapping, 8, "the cancellation gave the units back once");
    }

    [Fact]
    public async Task DelayedPatch_NotCountedDoneUntilReadBack_ConfirmedLaterWithoutPatchingAgain()
    {
        var options = new AmazonSimulatorOptions { PatchDelay = TimeSpan.FromSeconds(4), OrderVisibilityDelay = TimeSpan.Zero };
        await using var test = await AmazonTestApp.StartAsync(azurite, options, settings: new Dictionary<string, string?> { ["Amazon:ConfirmWithin"] = "00:00:00.500" });
        var mapping = await test.LoadAsync("AMZ-DELAY-1", 8, 9107);
        var pushes = test.App.App.Services.GetRequiredService<PushStore>();
        var pending = test.App.App.Services.GetRequiredService<AmazonPendingWrites>();

        await test.App.Shopify.PlaceOrderAsync([(mapping.Shopify!.VariantId, 3)]);

        await Eventually.WaitAsync(async () => await pending.GetAsync(mapping.Amazon!.SellerSku, CancellationToken.None) is { Quantity: 5 }, Deadline, "Amazon accepted 5");
        Assert.Equal(8, test.Amazon.GetQuantity(mapping.Amazon!.SellerSku));
        var record = await pushes.GetAsync(mapping.Sku, Channel.Amazon, CancellationToken.None);
        Assert.Equal(8, record!.Shown);

        await test.WaitUntilEverywhereAsync(mapping, 5, "the patch applied and was read back");
        await Eventually.WaitAsync(async () => (await pushes.GetAsync(mapping.Sku, Channel.Amazon, CancellationToken.None))?.Shown == 5, Deadline, "the push recorded the write once seen");
        Assert.Null(await pending.GetAsync(mapping.Amazon!.SellerSku, CancellationToken.None));
        Assert.Equal(1, test.Amazon.Requests(AmazonRateLimit.PatchListingsItem));
    }

    [Fact]
    public async Task Write_MergeKeepsLeadTime()
    {
        await using var test = await AmazonTestApp.StartAsync(azurite);
        var mapping = await test.LoadAsync("AMZ-LEAD-1", 8, 9108);

        await test.App.Shopify.PlaceOrderAsync([(mapping.Shopify!.VariantId, 1)]);
        await test.WaitUntilEverywhereAsync(mapping, 7, "the sale reached Amazon");

        var entry = Assert.Single(test.Amazon.GetAvailability(mapping.Amazon!.SellerSku));
        Assert.Equal(2, entry.LeadTimeToShipMaxDays);
    }

    [Fact]
    public async Task ReconciliationFix_ManySkus_GoesAsListingsFeedsConfirmedByReadBackNothingThrottled()
    {
        // Amazon applies a feed 2 s after createFeed; the pushes look again by themselves only after 10 minutes, so every
        // SKU confirmed sooner was woken by the feeds timer when Amazon had processed its feed.
        var amazonOptions = new AmazonSimulatorOptions { PatchDelay = TimeSpan.Zero, OrderVisibilityDelay = TimeSpan.Zero, FeedProcessingDelay = TimeSpan.FromSeconds(2) };
        await using var test = await AmazonTestApp.StartAsync(azurite, amazonOptions, settings: new Dictionary<string, string?>
        {
            ["Amazon:FeedThreshold"] = "5",
            ["Amazon:FeedSchedule"] = "*/1 * * * * *",
            ["Amazon:FeedRetry"] = "00:10:00",
        });
        var items = Enumerable.Range(0, 30).Select(i => new Infrastructure.TestItem($"AMZ-FEED-{i:D2}", 8, 9200 + i) { OnAmazon = true }).ToArray();
        await test.App.LoadAsync(items);
        await test.SettledAsync();
        foreach (var item in items)
        {
            test.Amazon.SetQuantity(item.AmazonSellerSku, 3); // Edited in Seller Central: drift.
        }

        await test.App.App.Services.GetRequiredService<FuncSync.Reconciliation.Reconciler>().RunAsync(fix: true, null, 0, CancellationToken.None);

        var pushes = test.App.App.Services.GetRequiredService<PushStore>();
        var pending = test.App.App.Services.GetRequiredService<AmazonPendingWrites>();
        await Eventually.WaitAsync(
            () => Task.FromResult(items.All(i => test.Amazon.GetQuantity(i.AmazonSellerSku) == 8)),
            TimeSpan.FromSeconds(60),
            "the fix brought every Amazon listing back to 8");
        await Eventually.WaitAsync(
            async () => (await Task.WhenAll(items.Select(i => pushes.GetAsync(i.Sku, Channel.Amazon, CancellationToken.None)))).All(r => r is { Shown: 8, WritingId: null }),
            TimeSpan.FromSeconds(60),
            "every push recorded 8 once it read its write back");
        await Eventually.WaitAsync(async () => (await pending.ListAsync(CancellationToken.None)).Count == 0, Deadline, "no write is left pending");
        Assert.True(test.Amazon.FeedsCreated >= 1, "the bulk went as listings feeds");
        Assert.True(test.Amazon.Requests(AmazonRateLimit.PatchListingsItem) < 5, "only the writes before the bulk was seen went as patches");
        Assert.True(test.Amazon.Requests(AmazonRateLimit.GetFeed) >= test.Amazon.FeedsCreated, "every feed was followed");
        Assert.True(test.Amazon.Requests(AmazonRateLimit.GetFeedDocument) >= test.Amazon.FeedsCreated, "every processing report was read");
        await Eventually.WaitAsync(
            async () => await test.App.App.Services.GetRequiredService<AmazonFeeds>().OpenAsync(CancellationToken.None) == 0,
            Deadline,
            "no feed is left open");
        Assert.Equal(0, test.Amazon.Throttled);
    }

    [Fact]
    public async Task Throttled_FollowsTheHeaderAndLosesNothing()
    {
        // This seller's plan is slower than the published default: the header says so, and the client follows it.
        var limits = new Dictionary<string, AmazonRateLimit>(AmazonRateLimit.Defaults, StringComparer.Ordinal)
        {
            [AmazonRateLimit.GetListingsItem] = new(2, 2),
            [AmazonRateLimit.PatchListingsItem] = new(2, 2),
        };
        var options = new AmazonSimulatorOptions { PatchDelay = TimeSpan.Zero, OrderVisibilityDelay = TimeSpan.Zero, RateLimits = limits };
        await using var test = await AmazonTestApp.StartAsync(azurite, options);
        var mappings = new List<SkuMapping>();
        for (var i = 0; i < 4; i++)
        {
            mappings.Add(await test.LoadAsync($"AMZ-429-{i}", 8, 9110 + i));
        }

        test.Amazon.ExhaustBucket(AmazonRateLimit.PatchListingsItem);
        test.Amazon.ExhaustBucket(AmazonRateLimit.GetListingsItem);
        foreach (var mapping in mappings)
        {
            await test.App.Shopify.PlaceOrderAsync([(mapping.Shopify!.VariantId, 2)]);
        }

        foreach (var mapping in mappings)
        {
            await test.WaitUntilEverywhereAsync(mapping, 6, $"{mapping.Sku} reached Amazon through the throttling");
        }

        Assert.True(test.Amazon.Throttled > 0, "the exhausted buckets answered 429");
        Assert.Equal(2, test.App.App.Services.GetRequiredService<AmazonRateLimits>().RateOf(AmazonOperations.GetListingsItem));
    }
}

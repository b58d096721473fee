using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Catalog;
using FuncSync.Domain;
using FuncSync.Etsy;
using FuncSync.Simulators.Etsy;
using FuncSync.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.App.Tests.Etsy;

[Collection(AzuriteTests.Name)]
public sealed class EtsyConnectorTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task OrderPaid_SignedDelivery_SaleInLedgerAndPollDedupesIt()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite, EtsyTestSettings.ManualPolling);
        var item = new TestItem("MUG-WAVE-01", 10, 11);
        await app.LoadAsync(item);
        app.Etsy.Options.OrderPaidWebhookUrl = new Uri(app.BaseUrl, "api/" + FuncSync.Channels.Webhooks.ChannelWebhookFunction.RouteOf(FuncSync.Domain.Channel.Etsy));

        var (receipt, delivery) = await app.Etsy.PlaceOrderAsync(item.EtsyListingId, item.Sku, 2);

        Assert.NotNull(receipt);
        Assert.Equal(HttpStatusCode.OK, delivery);
        await Eventually.WaitAsync(async () => await app.AvailableAsync(item.Sku) == 8, TimeSpan.FromSeconds(20), "the webhook's sale is in the ledger");

        Assert.Equal(HttpStatusCode.OK, (await app.RunTimerAsync(EtsyReceiptPollFunction.Name)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, await app.Etsy.SendOrderPaidAsync(receipt.ReceiptId));
        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        Assert.Equal(8, await app.AvailableAsync(item.Sku));
    }

    [Theory]
    [InlineData("bad-signature")]
    [InlineData("stale-timestamp")]
    [InlineData("no-signature")]
    public async Task OrderPaid_UnacceptableDelivery_Returns401AndQueuesNothing(string fault)
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite, EtsyTestSettings.ManualPolling);
        var item = new TestItem("MUG-WAVE-02", 10, 12);
        await app.LoadAsync(item);
        var receipt = app.Etsy.PlaceOrder(item.EtsyListingId, item.Sku, 1)!;
        var body = Encoding.UTF8.GetBytes(string.Create(
            CultureInfo.InvariantCulture,
            $$"""{"event_type":"order.paid","resource_url":"{{app.Etsy.BaseUrl}}v3/application/shops/{{app.Etsy.Options.ShopId}}/receipts/{{receipt.ReceiptId}}","shop_id":{{app.Etsy.Options.ShopId}}}"""));
        var timestamp = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds() - (fault == "stale-timestamp" ? 600 : 0);
        var secret = fault == "bad-signature" ? "whsec_" + Convert.ToBase64String(new byte[32]) : app.Etsy.Options.WebhookSecret;

        using var request = new HttpRequestMessage(HttpMethod.Post, "api/" + FuncSync.Channels.Webhooks.ChannelWebhookFunction.RouteOf(FuncSync.Domain.Channel.Etsy)) { Content = new ByteArrayContent(body) };
        request.Headers.Add("webhook-id", "msg_test1");
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        if (fault != "no-signature")
        {
            request.Headers.Add("webhook-signature", EtsyWebhookSigner.Sign(secret, "msg_test1", timestamp, body));
        }

        using var response = await app.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null((await app.Storage.Queue(app.Names.InventoryEventsQueue).PeekMessageAsync()).Value);
        Assert.DoesNotContain(app.Etsy.RequestLog, r => r.Contains($"/receipts/{receipt.ReceiptId}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OrderPaid_ReceiptEtsyDoesNotKnow_AcknowledgedKeptAndNothingQueued()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite, EtsyTestSettings.ManualPolling);
        var body = Encoding.UTF8.GetBytes(string.Create(
            CultureInfo.InvariantCulture,
            $$"""{"event_type":"order.paid","resource_url":"{{app.Etsy.BaseUrl}}v3/application/shops/{{app.Etsy.Options.ShopId}}/receipts/987654321","shop_id":{{app.Etsy.Options.ShopId}}}"""));
        var timestamp = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/" + FuncSync.Channels.Webhooks.ChannelWebhookFunction.RouteOf(FuncSync.Domain.Channel.Etsy)) { Content = new ByteArrayContent(body) };
        request.Headers.Add("webhook-id", "msg_unknown_receipt");
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", EtsyWebhookSigner.Sign(app.Etsy.Options.WebhookSecret, "msg_unknown_receipt", timestamp, body));

        using var response = await app.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await app.DrainedAsync(app.Names.ChannelWebhooksQueue);
        Assert.Contains(app.Etsy.RequestLog, r => r.Contains("/receipts/987654321", StringComparison.Ordinal));
        Assert.Null((await app.Storage.Queue(app.Names.InventoryEventsQueue).PeekMessageAsync()).Value);
        var container = app.Storage.Blobs.GetBlobContainerClient(app.Names.RejectedWebhooksContainer);
        var kept = Assert.Single(await container.GetBlobsAsync().ToListAsync());
        Assert.StartsWith("etsy/", kept.Name, StringComparison.Ordinal);
        Assert.Equal(body, (await container.GetBlobClient(kept.Name).DownloadContentAsync()).Value.Content.ToArray());
    }

    [Fact]
    public async Task CancellationCheck_CanceledReceipt_RestocksExactlyOnce()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite, EtsyTestSettings.ManualPolling);
        var item = new TestItem("SCARF-TEAL-01", 6, 13);
        await app.LoadAsync(item);
        var receipt = app.Etsy.PlaceOrder(item.EtsyListingId, item.Sku, 2)!;
        Assert.Equal(HttpStatusCode.OK, (await app.RunTimerAsync(EtsyReceiptPollFunction.Name)).StatusCode);
        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        Assert.Equal(4, await app.AvailableAsync(item.Sku));

        app.Etsy.CancelReceipt(receipt.ReceiptId);
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await app.RunTimerAsync(EtsyCancellationCheckFunction.Name)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await app.RunTimerAsync(EtsyReceiptPollFunction.Name)).StatusCode);
        }

        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        Assert.Equal(6, await app.AvailableAsync(item.Sku));
        Assert.Contains(app.Etsy.RequestLog, r => r.Contains("was_canceled=true", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CancellationCheck_ReceiptCanceledBeforeAnyPollSawIt_NetZero()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite, EtsyTestSettings.ManualPolling);
        var item = new TestItem("SCARF-TEAL-02", 6, 14);
        await app.LoadAsync(item);
        Assert.Equal(HttpStatusCode.OK, (await app.RunTimerAsync(EtsyReceiptPollFunction.Name)).StatusCode);
        var receipt = app.Etsy.PlaceOrder(item.EtsyListingId, item.Sku, 3)!;
        app.Etsy.CancelReceipt(receipt.ReceiptId);

        Assert.Equal(HttpStatusCode.OK, (await app.RunTimerAsync(EtsyCancellationCheckFunction.Name)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.RunTimerAsync(EtsyReceiptPollFunction.Name)).StatusCode);
        await app.DrainedAsync(app.Names.InventoryEventsQueue);

        Assert.Equal(6, await app.AvailableAsync(item.Sku));
    }

    [Fact]
    public async Task Push_MultiVariationListing_KeepsEveryVariationAndPrice()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite, EtsyTestSettings.ManualPolling);
        const long listingId = 1_500_000_021;
        app.Etsy.AddListing(listingId, "Ring", [
            new EtsySimProduct("RING-6", 3, 42.00m, [new EtsySimPropertyValue(100, "Ring size", 1000, "6")]),
            new EtsySimProduct("RING-7", 4, 45.50m, [new EtsySimPropertyValue(100, "Ring size", 1001, "7")]),
            new EtsySimProduct("RING-8", 5, 47.25m, [new EtsySimPropertyValue(100, "Ring size", 1002, "8")]),
        ]);
        await app.ImportAsync(
            new SkuMapRow(new SkuMapping("RING-6", "Ring 6", [new EtsyListing(listingId, "RING-6")]), 3),
            new SkuMapRow(new SkuMapping("RING-7", "Ring 7", [new EtsyListing(listingId, "RING-7")]), 4));

        (await app.CountAsync("RING-7", """{"quantity": 9}""")).EnsureSuccessStatusCode();
        await Eventually.WaitAsync(() => app.Etsy.GetQuantity(listingId, "RING-7") == 9, TimeSpan.FromSeconds(20), "Etsy shows the new count");
        (await app.CountAsync("RING-6", """{"quantity": 0}""")).EnsureSuccessStatusCode();
        await Eventually.WaitAsync(() => !app.Etsy.IsOfferingEnabled(listingId, "RING-6"), TimeSpan.FromSeconds(20), "the sold-out variation is disabled");

        Assert.Equal(["RING-6", "RING-7", "RING-8"], app.Etsy.GetSkus(listingId));
        Assert.Equal([42.00m, 45.50m, 47.25m], app.Etsy.GetSkus(listingId).Select(s => app.Etsy.GetPrice(listingId, s)));
        Assert.Equal(5, app.Etsy.GetQuantity(listingId, "RING-8"));
        Assert.True(app.Etsy.IsOfferingEnabled(listingId, "RING-8"));
        Assert.Equal("active", app.Etsy.GetListingState(listingId));
    }

    [Fact]
    public async Task Push_ListingOfOneProduct_TakesNoLease_AListingOfSeveralDoes()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite, EtsyTestSettings.ManualPolling);
        var single = new TestItem("BOWL-LEASE-01", 4, 22);
        await app.LoadAsync(single);
        const long shared = 1_500_000_023;
        app.Etsy.AddListing(shared, "Ring", [
            new EtsySimProduct("RING-LEASE-6", 3, 42.00m, [new EtsySimPropertyValue(100, "Ring size", 1000, "6")]),
            new EtsySimProduct("RING-LEASE-7", 4, 45.50m, [new EtsySimPropertyValue(100, "Ring size", 1001, "7")]),
        ]);
        await app.ImportAsync(
            new SkuMapRow(new SkuMapping("RING-LEASE-6", "Ring 6", [new EtsyListing(shared, "RING-LEASE-6")]), 3),
            new SkuMapRow(new SkuMapping("RING-LEASE-7", "Ring 7", [new EtsyListing(shared, "RING-LEASE-7")]), 4));

        (await app.CountAsync(single.Sku, """{"quantity": 7}""")).EnsureSuccessStatusCode();
        (await app.CountAsync("RING-LEASE-6", """{"quantity": 9}""")).EnsureSuccessStatusCode();
        await Eventually.WaitAsync(() => app.Etsy.GetQuantity(single.EtsyListingId, single.Sku) == 7, TimeSpan.FromSeconds(20), "Etsy shows the one-product listing's count");
        await Eventually.WaitAsync(() => app.Etsy.GetQuantity(shared, "RING-LEASE-6") == 9, TimeSpan.FromSeconds(20), "Etsy shows the ring's count");
        await app.DrainedAsync(app.Names.ChannelPushQueue);

        // A lease lives on a blob named after the listing, created by the first push that takes it.
        var locks = app.Storage.Blobs.GetBlobContainerClient(app.Names.PushLocksContainer);
        Assert.False((await locks.GetBlobClient($"etsy-listing-{single.EtsyListingId}").ExistsAsync()).Value);
        Assert.True((await locks.GetBlobClient($"etsy-listing-{shared}").ExistsAsync()).Value);
        Assert.Equal(4, app.Etsy.GetQuantity(shared, "RING-LEASE-7"));
    }

    [Fact]
    public async Task Push_ReadBackAfterTheWriteFails_WriteRecordedAsWritten_NoAnnouncementLeftToWaitOut()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite, EtsyTestSettings.ManualPolling);
        var item = new TestItem("BOWL-READBACK-01", 4, 24);
        await app.LoadAsync(item);
        await app.DrainedAsync(app.Names.ChannelPushQueue);

        // Etsy takes the write, then answers every read of the listing with a 500 until told otherwise.
        var inventory = $"/listings/{item.EtsyListingId}/inventory";
        var written = false;
        var failing = true;
        app.Etsy.InjectFaults(
            r =>
            {
                if (!r.Path.Value!.EndsWith(inventory, StringComparison.Ordinal))
                {
                    return false;
                }

                written |= HttpMethods.IsPut(r.Method);
                return failing && written && HttpMethods.IsGet(r.Method);
            },
            int.MaxValue,
            500);
        (await app.CountAsync(item.Sku, """{"quantity": 7}""")).EnsureSuccessStatusCode();
        await Eventually.WaitAsync(() => app.Etsy.GetQuantity(item.EtsyListingId, item.Sku) == 7, TimeSpan.FromSeconds(20), "Etsy takes the write");

        // The read-back failed: the write is on record as Written, what was sent, with no announcement left that the
        // queue's retry would wait out.
        var pushes = app.App.Services.GetRequiredService<FuncSync.Push.PushStore>();
        FuncSync.Push.PushRecord? record = null;
        await Eventually.WaitAsync(
            async () => (record = await pushes.GetAsync(item.Sku, Channel.Etsy, CancellationToken.None)) is { Status: FuncSync.Push.PushStatus.Written },
            TimeSpan.FromSeconds(20),
            "the write recorded");
        Assert.Equal(7, record!.Shown);
        Assert.Null(record.WritingId);

        // Once Etsy answers again, the next change is written and read back as usual.
        failing = false;
        (await app.CountAsync(item.Sku, """{"quantity": 6}""")).EnsureSuccessStatusCode();
        await Eventually.WaitAsync(
            async () => await pushes.GetAsync(item.Sku, Channel.Etsy, CancellationToken.None) is { Status: FuncSync.Push.PushStatus.InSync, Shown: 6, WritingId: null },
            TimeSpan.FromSeconds(20),
            "the next push writes and reads back");
        Assert.Equal(6, app.Etsy.GetQuantity(item.EtsyListingId, item.Sku));
    }

    [Fact]
    public async Task Push_ZeroThenRestock_ReactivatesOnlyWhatFuncSyncDeactivated()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite, EtsyTestSettings.ManualPolling);
        var ours = new TestItem("CARD-OURS-01", 2, 15);
        var sellers = new TestItem("CARD-SELLER-01", 2, 16);
        await app.LoadAsync(ours, sellers);

        (await app.CountAsync(ours.Sku, """{"quantity": 0}""")).EnsureSuccessStatusCode();
        await Eventually.WaitAsync(() => app.Etsy.GetListingState(ours.EtsyListingId) == "inactive", TimeSpan.FromSeconds(20), "FuncSync deactivates the empty listing");

        // The seller switches their listing off by hand.
        using (var off = new HttpRequestMessage(HttpMethod.Patch, new Uri(app.Etsy.BaseUrl, $"v3/application/shops/{app.Etsy.Options.ShopId}/listings/{sellers.EtsyListingId}"))
        {
            Content = new FormUrlEncodedContent([new("state", "inactive")]),
        })
        using (var http = new HttpClient())
        {
            off.Headers.Add("x-api-key", $"{app.Etsy.Options.Keystring}:{app.Etsy.Options.SharedSecret}");
            off.Headers.Add("Authorization", "Bearer " + app.Etsy.Options.AccessToken);
            (await http.SendAsync(off)).EnsureSuccessStatusCode();
        }

        (await app.CountAsync(ours.Sku, """{"quantity": 5}""")).EnsureSuccessStatusCode();
        (await app.CountAsync(sellers.Sku, """{"quantity": 5}""")).EnsureSuccessStatusCode();
        await Eventually.WaitAsync(() => app.Etsy.GetListingState(ours.EtsyListingId) == "active", TimeSpan.FromSeconds(20), "FuncSync reactivates its own deactivation");
        await app.DrainedAsync(app.Names.ChannelPushQueue);

        Assert.Equal(5, app.Etsy.GetQuantity(ours.EtsyListingId, ours.Sku));
        Assert.Equal("inactive", app.Etsy.GetListingState(sellers.EtsyListingId));
    }

    [Fact]
    public async Task EtsyApi_EveryCallFuncSyncMakes_PassesTheOpenApiChecksAndAMalformedOneIsRefused()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite, EtsyTestSettings.ManualPolling);
        var item = new TestItem("VASE-SCHEMA-01", 4, 18);
        await app.LoadAsync(item);
        app.Etsy.Options.OrderPaidWebhookUrl = new Uri(app.BaseUrl, "api/" + FuncSync.Channels.Webhooks.ChannelWebhookFunction.RouteOf(FuncSync.Domain.Channel.Etsy));

        // getShopReceipt (webhook), getShopReceipts (poll, cancellation check), getListingInventory + updateListingInventory
        // (pushes), updateListing (deactivate at zero, reactivate).
        var (receipt, _) = await app.Etsy.PlaceOrderAsync(item.EtsyListingId, item.Sku, 1);
        Assert.Equal(HttpStatusCode.OK, (await app.RunTimerAsync(EtsyReceiptPollFunction.Name)).StatusCode);
        app.Etsy.CancelReceipt(receipt!.ReceiptId);
        Assert.Equal(HttpStatusCode.OK, (await app.RunTimerAsync(EtsyCancellationCheckFunction.Name)).StatusCode);
        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        (await app.CountAsync(item.Sku, """{"quantity": 0}""")).EnsureSuccessStatusCode();
        await Eventually.WaitAsync(() => app.Etsy.GetListingState(item.EtsyListingId) == "inactive", TimeSpan.FromSeconds(20), "the empty listing is deactivated");
        (await app.CountAsync(item.Sku, """{"quantity": 6}""")).EnsureSuccessStatusCode();
        await Eventually.WaitAsync(() => app.Etsy.GetListingState(item.EtsyListingId) == "active" && app.Etsy.GetQuantity(item.EtsyListingId, item.Sku) == 6, TimeSpan.FromSeconds(20), "the listing is back with 6");

        var log = app.Etsy.RequestLog;
        Assert.Contains(log, r => r.StartsWith("GET /v3/application/shops/", StringComparison.Ordinal) && r.Contains($"/receipts/{receipt.ReceiptId}", StringComparison.Ordinal));
        Assert.Contains(log, r => r.Contains("/receipts?", StringComparison.Ordinal) && r.Contains("min_last_modified=", StringComparison.Ordinal));
        Assert.Contains(log, r => r.Contains("/receipts?", StringComparison.Ordinal) && r.Contains("was_canceled=true", StringComparison.Ordinal));
        Assert.Contains(log, r => r.StartsWith("PUT /v3/application/listings/", StringComparison.Ordinal));
        Assert.Contains(log, r => r.StartsWith("PATCH /v3/application/shops/", StringComparison.Ordinal));
        Assert.Empty(app.Etsy.RefusedRequests);

        // The same client with a sort the document does not allow: refused with Etsy's error, not silently answered.
        var api = app.App.Services.GetRequiredService<EtsyApi>();
        var refused = await Assert.ThrowsAsync<FuncSync.Push.ChannelRequestException>(() => api.GetReceiptsAsync(new EtsyReceiptQuery(SortOn: "modified"), 0, CancellationToken.None));
        Assert.Contains("sort_on must be one of", refused.Message, StringComparison.Ordinal);
        Assert.Single(app.Etsy.RefusedRequests);
    }

    [Fact]
    public async Task Push_RestockOfSoldOutListing_ShowsTheWholeQuantityNotEtsysOne()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite, EtsyTestSettings.ManualPolling);
        var item = new TestItem("LAMP-SOLD-01", 1, 19);
        await app.LoadAsync(item);
        Assert.NotNull(app.Etsy.PlaceOrder(item.EtsyListingId, item.Sku, 1));
        Assert.Equal("sold_out", app.Etsy.GetListingState(item.EtsyListingId));
        Assert.Equal(HttpStatusCode.OK, (await app.RunTimerAsync(EtsyReceiptPollFunction.Name)).StatusCode);
        await app.DrainedAsync(app.Names.InventoryEventsQueue);

        // Five new lamps on the shelf beside the sold one, packed and not shipped yet: 6 counted, 5 to sell.
        (await app.CountAsync(item.Sku, """{"quantity": 6}""")).EnsureSuccessStatusCode();

        // Reactivating sets a sold_out listing to 1 on Etsy: the quantities are written after it, so 5 is what shows.
        await Eventually.WaitAsync(() => app.Etsy.GetListingState(item.EtsyListingId) == "active", TimeSpan.FromSeconds(20), "the restocked listing is active again");
        await app.DrainedAsync(app.Names.ChannelPushQueue);
        Assert.Equal(5, app.Etsy.GetQuantity(item.EtsyListingId, item.Sku));
        Assert.Equal(1, app.Etsy.GetRenewals(item.EtsyListingId));
        Assert.Empty(app.Etsy.RefusedRequests);
    }

    [Fact]
    public async Task EtsyApi_BurstOfConcurrentCalls_SimulatorRecordsNoRateViolation()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite, EtsyTestSettings.ManualPolling);
        var item = new TestItem("PIN-BURST-01", 5, 17);
        app.List(item.Mapping, item.Quantity);
        var api = app.App.Services.GetRequiredService<EtsyApi>();

        await Task.WhenAll(Enumerable.Range(0, 35).Select(_ => api.GetListingInventoryAsync(item.EtsyListingId, CancellationToken.None)));

        Assert.Equal(0, app.Etsy.RateLimitViolations);
        var health = await app.Http.GetFromJsonAsync(EtsyHealthFunction.Route.Insert(0, "api/"), FuncSync.Polling.PollingJson.Default.PollHealth);
        Assert.Equal(app.Etsy.Options.QueriesPerDay, health!.LimitPerDay);
        Assert.InRange(health.RemainingToday!.Value, 1, app.Etsy.Options.QueriesPerDay - 35);
        Assert.True(health.WebhookEnabled);
    }
}

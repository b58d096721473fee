using System.Text.Json.Nodes;
using FuncSync.Alerts;
using FuncSync.Allocation;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Catalog;
using FuncSync.Domain;
using FuncSync.Domain.Ledger;
using FuncSync.Ledger;
using FuncSync.Monitoring;
using FuncSync.Push;
using FuncSync.Simulators.Shopify;
using FuncSync.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FuncSync.App.Tests.Push;

/// <summary>A buyer on Shopify between the push's read and its compare-and-set write: Shopify refuses
/// the write (CHANGE_FROM_QUANTITY_STALE), and the push must neither relist the unit that buyer took
/// nor lose the sale. Real Shopify simulator, real Azurite; only the interleaving is arranged.</summary>
[Collection(AzuriteTests.Name)]
public sealed class StaleCompareAndSetTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Push_ShopifyRefusesStaleWrite_CompetingSaleCountedUnseenThenApplied()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite, new Dictionary<string, string?> { ["Allocation:Mode"] = "Strict" });
        var item = new TestItem("CUP-STALE-01", 3, 51);
        await app.LoadAsync(item);
        await Eventually.WaitAsync(() => ShopifyShows(app, item) == 2 && app.Etsy.GetQuantity(item.EtsyListingId, item.Sku) == 1, Deadline, "3 units split 2 on Shopify, 1 on Etsy");
        await app.DrainedAsync(app.Names.ChannelPushQueue);

        // Two units arrive; the ledger commits them without queueing pushes, so only the push below runs.
        var now = TimeProvider.System.GetUtcNow();
        var receipt = new InventoryEventReceived("receipt-stale-01", InventoryEventKind.Receipt, "admin", null, item.Sku, 2, now, now, null);
        await app.Ledger.ApplyAsync(receipt, [(item.Sku, 2)], ReturnDisposition.Restock, [], CancellationToken.None);

        // The buyer's webhook is held back: the push meets the sale before the ledger does.
        var webhookUrl = app.Shopify.Options.WebhookUrl;
        app.Shopify.Options.WebhookUrl = new Uri(app.BaseUrl, "api/held-back");
        ShopifyOrderResult? order = null;
        var shopify = app.App.Services.GetServices<IChannelInventory>().Single(c => c.Channel == Channel.Shopify);
        var racing = new BuyerBetweenReadAndWrite(shopify, async () => order = await app.Shopify.PlaceOrderAsync([(item.ShopifyVariantId, 1)]));

        await Push(app, racing).RunAsync(new SyncListing(item.Sku, Channel.Shopify), known: null, CancellationToken.None);

        Assert.Equal(1, racing.Refused);
        Assert.NotNull(order);

        // 5 in the ledger, 1 sold unseen: 4 left, Etsy still shows 1. Shopify's share would be 2, but
        // its rise waits until the ledger has seen its sale; the unit the buyer took is not relisted.
        var pushes = app.App.Services.GetRequiredService<PushStore>();
        var record = await pushes.GetAsync(item.Sku, Channel.Shopify, CancellationToken.None);
        Assert.Equal(1, ShopifyShows(app, item));
        Assert.Equal(1, record!.Unseen);
        Assert.Null(record.WritingTo);
        Assert.Equal(PushStatus.Deferred, record.Status);

        // The webhook arrives: the sale reaches the ledger once, and both channels get their share of 4.
        app.Shopify.Options.WebhookUrl = webhookUrl;
        await app.Shopify.SendWebhookAsync("orders/create", JsonNode.Parse(order!.Payload)!.AsObject());
        await Eventually.WaitAsync(() => ShopifyShows(app, item) == 2 && app.Etsy.GetQuantity(item.EtsyListingId, item.Sku) == 2, Deadline, "4 units split 2 and 2");
        await app.DrainedAsync(app.Names.ChannelPushQueue);
        Assert.Equal(4, await app.AvailableAsync(item.Sku));
        Assert.Equal(1, (await app.Ledger.GetStockAsync(item.Sku, CancellationToken.None)).Sold[Channel.Shopify]);
        Assert.Equal(0, (await pushes.GetAsync(item.Sku, Channel.Shopify, CancellationToken.None))!.View.UnseenNow(1));
    }

    private static ListingPusher Push(FuncSyncTestApp app, IChannelInventory shopify)
    {
        var services = app.App.Services;
        var connectors = services.GetServices<IChannelInventory>().Where(c => c.Channel != Channel.Shopify).Append(shopify).ToList();
        return new ListingPusher(
            services.GetRequiredService<SkuMapStore>(),
            services.GetRequiredService<LedgerStore>(),
            services.GetRequiredService<PushStore>(),
            connectors,
            services.GetRequiredService<IOptions<AllocationOptions>>(),
            services.GetRequiredService<AllocationInForce>(),
            services.GetRequiredService<PushRechecks>(),
            services.GetRequiredService<ChannelPushSender>(),
            TimeProvider.System,
            services.GetRequiredService<ILogger<ListingPusher>>(),
            services.GetRequiredService<PushFailureAlerts>(),
            services.GetRequiredService<ChannelActivity>(),
            services.GetRequiredService<WriteUnitLocks>());
    }

    private static int ShopifyShows(FuncSyncTestApp app, TestItem item) => app.Shopify.GetAvailable(item.ShopifyInventoryItemId, TestItem.LocationId);

    /// <summary>The real Shopify connector, with a buyer checking out just before its first write.</summary>
    private sealed class BuyerBetweenReadAndWrite(IChannelInventory inner, Func<Task> buy) : IChannelInventory
    {
        private bool _bought;

        public int Refused { get; private set; }

        public Channel Channel => inner.Channel;

        public Task<ChannelStock> ReadAsync(SkuMapping mapping, CancellationToken cancellationToken) => inner.ReadAsync(mapping, cancellationToken);

        public async Task WriteAsync(SkuMapping mapping, ChannelStock current, int quantity, CancellationToken cancellationToken)
        {
            if (!_bought)
            {
                _bought = true;
                await buy();
            }

            try
            {
                await inner.WriteAsync(mapping, current, quantity, cancellationToken);
            }
            catch (StaleChannelQuantityException)
            {
                Refused++;
                throw;
            }
        }
    }
}

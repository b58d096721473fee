using Azure.Data.Tables;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Catalog;
using FuncSync.Domain;
using FuncSync.Domain.Ledger;
using FuncSync.Etsy;
using FuncSync.Shopify;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Ledger;

/// <summary>Bundles, kits and made-to-order listings: their quantity is derived from their parts,
/// and every sale moves the parts.</summary>
[Collection(AzuriteTests.Name)]
public sealed class CompositionFlowTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task BundleAndItsComponent_InOneOrder_ComponentMovesForBoth()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var chain = new SkuMapping("CHAIN-40", "40 cm chain");
        var pendant = new TestItem("PENDANT-MOON", 2, 31);
        var set = new SkuMapping(
            "NECK-SET-MOON",
            "Moon necklace set",
            [new ShopifyListing(4_100_000_901, 4_300_000_901, TestItem.LocationId, 7_000_000_901), new EtsyListing(1_500_000_901, "NECK-SET-MOON")],
            [new Component("CHAIN-40", 1), new Component("PENDANT-MOON", 1)]);
        app.List(pendant.Mapping, 2);
        app.List(set, 2);
        await app.ImportAsync(new SkuMapRow(chain, 5), new SkuMapRow(pendant.Mapping, 2), new SkuMapRow(set, null));

        await app.Shopify.PlaceOrderAsync([(set.Shopify!.VariantId, 1), (pendant.ShopifyVariantId, 1)]);

        await Eventually.WaitAsync(async () => await app.AvailableAsync(pendant.Sku) == 0, Deadline, "the pendant is used up by both lines");
        Assert.Equal(4, await app.AvailableAsync(chain.Sku));
        Assert.Equal(0, (await app.StatusAsync(set.Sku)).Available);
        await Eventually.WaitAsync(() => app.Etsy.GetListingState(set.Etsy!.ListingId) == "inactive", Deadline, "the set is off Etsy");
        await Eventually.WaitAsync(() => app.Etsy.GetListingState(pendant.EtsyListingId) == "inactive", Deadline, "the pendant is off Etsy");

        // Each listing's sale counts against that listing: the set's on its own counter row, the
        // pendant's on its stock row; the pendant's row does not count the set's sale as its own.
        var setStock = await app.Ledger.GetAvailabilityAsync(set, CancellationToken.None);
        var pendantStock = await app.Ledger.GetStockAsync(pendant.Sku, CancellationToken.None);
        Assert.Equal(1, setStock.SoldOn(Channel.Shopify));
        Assert.Equal(1, pendantStock.Sold[Channel.Shopify]);
        Assert.Equal(0, setStock.SoldOn(Channel.Etsy));
    }

    [Fact]
    public async Task MadeToOrderListings_ShareMaterial_SaleOfOneLowersTheOther()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var blank = new SkuMapping("BLANK-RING-SIL", "Silver ring blank");
        var ringA = new SkuMapping("RING-WAVE", "Wave ring", [new ShopifyListing(4_100_000_911, 4_300_000_911, TestItem.LocationId), new EtsyListing(1_500_000_911, "RING-WAVE")], [new Component(blank.Sku, 1)]);
        var ringB = new SkuMapping("RING-KNOT", "Knot ring", [new ShopifyListing(4_100_000_912, 4_300_000_912, TestItem.LocationId), new EtsyListing(1_500_000_912, "RING-KNOT")], [new Component(blank.Sku, 1)]);
        app.List(ringA, 3);
        app.List(ringB, 3);
        await app.ImportAsync(new SkuMapRow(blank, 3), new SkuMapRow(ringA, null), new SkuMapRow(ringB, null));

        await app.Shopify.PlaceOrderAsync([(ringA.Shopify!.VariantId, 2)]);

        await Eventually.WaitAsync(() => app.Etsy.GetQuantity(ringB.Etsy!.ListingId, ringB.Sku) == 1, Deadline, "the knot ring shows the one blank left on Etsy");
        await Eventually.WaitAsync(() => app.Shopify.GetAvailable(ringB.Shopify!.InventoryItemId, TestItem.LocationId) == 1, Deadline, "and on Shopify");
        await Eventually.WaitAsync(() => app.Etsy.GetQuantity(ringA.Etsy!.ListingId, ringA.Sku) == 1, Deadline, "the wave ring too");
        Assert.Equal(1, await app.AvailableAsync(blank.Sku));
    }

    [Fact]
    public async Task UnmappedSale_Parked_ReplayedWhenListingIsMapped()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("BAG-CANVAS-01", 3, 32);
        var etsyOnly = item.Mapping with { ChannelListings = [item.Mapping.Etsy!] };
        app.List(item.Mapping, 3);
        await app.ImportAsync(new SkuMapRow(etsyOnly, 3));

        await app.Shopify.PlaceOrderAsync([(item.ShopifyVariantId, 1)]);
        var unmapped = app.Storage.Table(app.Names.UnmappedTable);
        await Eventually.WaitAsync(async () => await unmapped.QueryAsync<TableEntity>().AnyAsync(), Deadline, "the sale is parked");
        Assert.Equal(3, await app.AvailableAsync(item.Sku));

        await app.ImportAsync(new SkuMapRow(item.Mapping, null));

        await Eventually.WaitAsync(async () => await app.AvailableAsync(item.Sku) == 2, Deadline, "the parked sale is applied");
        await Eventually.WaitAsync(() => app.Etsy.GetQuantity(item.EtsyListingId, item.Sku) == 2, Deadline, "Etsy shows 2");
        Assert.False(await unmapped.QueryAsync<TableEntity>().AnyAsync());
    }

    [Fact]
    public async Task SameUnitSoldOnBothChannels_OversellKeptNegativeAndAlertNamesBothOrders()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("NECK-OPAL-01", 1, 33);
        await app.LoadAsync(item);

        // Both buyers pay before either sale reaches FuncSync: the Etsy one waits for the next poll.
        var etsyReceipt = app.Etsy.PlaceOrder(item.EtsyListingId, item.Sku, 1);
        var shopifyOrder = await app.Shopify.PlaceOrderAsync([(item.ShopifyVariantId, 1)]);
        await Eventually.WaitAsync(async () => await app.AvailableAsync(item.Sku) == 0, Deadline, "the Shopify sale is applied");
        await app.RunTimerAsync(FuncSync.Etsy.EtsyReceiptPollFunction.Name);

        await Eventually.WaitAsync(async () => await app.AvailableAsync(item.Sku) == -1, Deadline, "the Etsy sale is applied too");
        var alerts = app.Storage.Table(app.Names.AlertsTable);
        await Eventually.WaitAsync(async () => await alerts.QueryAsync<TableEntity>().AnyAsync(a => a.GetString("Kind") == "Oversell"), Deadline, "an oversell alert is stored");
        var alert = (await alerts.QueryAsync<TableEntity>().ToListAsync()).Single(a => a.GetString("Kind") == "Oversell");
        var message = alert.GetString("Message");
        Assert.Contains($"Etsy receipt {etsyReceipt!.ReceiptId}", message, StringComparison.Ordinal);
        Assert.Contains("#", message, StringComparison.Ordinal);
        Assert.Contains("Shopify", message, StringComparison.Ordinal);
        Assert.Contains("oversold by 1", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Etsy Etsy", message, StringComparison.Ordinal);

        // The advice: the other order once, never the oversold order among its own competitors; one order to
        // cancel, a next step and a message for that buyer.
        var advice = System.Text.Json.JsonSerializer.Deserialize(alert.GetString("Oversell"), FuncSync.Json.FuncSyncJson.Default.OversellAdvice)!;
        Assert.Equal("Etsy", alert.GetString("Channel"));
        Assert.Equal($"Etsy receipt {etsyReceipt.ReceiptId}", advice.Oversold.Reference);
        var competitor = Assert.Single(advice.Competing);
        Assert.Equal("Shopify", competitor.Channel);
        Assert.StartsWith("#", competitor.Reference, StringComparison.Ordinal);
        var cancel = Assert.Single(advice.Cancel);
        Assert.Contains(cancel.Reference, advice.BuyerMessage, StringComparison.Ordinal);
        Assert.StartsWith($"Cancel {(cancel.Channel == "Etsy" ? cancel.Reference : "Shopify order " + cancel.Reference)}", alert.GetString("NextStep"), StringComparison.Ordinal);
        Assert.NotNull(shopifyOrder);
        Assert.Equal(InventoryEventKind.Sale, (await app.HistoryAsync(item.Sku)).Entries[0].Kind);
    }
}

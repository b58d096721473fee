using FuncSync.App.Tests.Infrastructure;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Allocation;

/// <summary>The allocation policy through the real pushes: Azurite, the app, and both simulators.</summary>
[Collection(AzuriteTests.Name)]
public sealed class AllocationFlowTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Push_StrictOneUnitItem_ShopifyShowsItEtsyListingDeactivatedUntilRestock()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite, new Dictionary<string, string?> { ["Allocation:Mode"] = "Strict" });
        var item = new TestItem("VASE-ONE-01", 1, 41);

        await app.LoadAsync(item);

        // Etsy cannot show 0 on an enabled offering: its share of nothing is an inactive listing.
        await Eventually.WaitAsync(() => app.Etsy.GetListingState(item.EtsyListingId) == "inactive", Deadline, "the Etsy listing is deactivated");
        await app.DrainedAsync(app.Names.ChannelPushQueue);
        Assert.Equal(1, ShopifyShows(app, item));

        (await app.CountAsync(item.Sku, """{"quantity": 3}""")).EnsureSuccessStatusCode();

        await Eventually.WaitAsync(() => app.Etsy.GetListingState(item.EtsyListingId) == "active" && ShopifyShows(app, item) == 2, Deadline, "Shopify shows 2 and Etsy is active again");
        Assert.Equal(1, app.Etsy.GetQuantity(item.EtsyListingId, item.Sku));
    }

    [Fact]
    public async Task Push_ProtectedWithEtsyBuffer_SharedAboveThresholdPartitionedAtIt()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["Allocation:Mode"] = "Protected",
            ["Allocation:Threshold"] = "2",
            ["Allocation:Channels:Etsy:BufferPercent"] = "50",
        });
        var item = new TestItem("MUG-BLUE-02", 6, 42);

        await app.LoadAsync(item);

        await Eventually.WaitAsync(() => app.Etsy.GetQuantity(item.EtsyListingId, item.Sku) == 3, Deadline, "Etsy shows 6 minus half");
        Assert.Equal(6, ShopifyShows(app, item));

        (await app.CountAsync(item.Sku, """{"quantity": 2}""")).EnsureSuccessStatusCode();

        // At the threshold the two units are split, one per channel, never one shown twice.
        await Eventually.WaitAsync(() => app.Etsy.GetQuantity(item.EtsyListingId, item.Sku) == 1 && ShopifyShows(app, item) == 1, Deadline, "one unit on each channel");
        await app.DrainedAsync(app.Names.ChannelPushQueue);
        Assert.Equal(1, app.Etsy.GetQuantity(item.EtsyListingId, item.Sku));
        Assert.Equal(1, ShopifyShows(app, item));
        Assert.Equal("active", app.Etsy.GetListingState(item.EtsyListingId));
    }

    private static int ShopifyShows(FuncSyncTestApp app, TestItem item) => app.Shopify.GetAvailable(item.ShopifyInventoryItemId, TestItem.LocationId);
}

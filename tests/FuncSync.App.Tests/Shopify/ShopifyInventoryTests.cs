using System.Globalization;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Catalog;
using FuncSync.Push;
using FuncSync.Shopify;
using FuncSync.Simulators.Etsy;
using FuncSync.Simulators.Shopify;
using FuncSync.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FuncSync.App.Tests.Shopify;

/// <summary>Writes and reads through the real connector against the simulator over HTTP: batching, compare-and-set
/// refusals, Shopify's error messages, several locations, and the cost budget under a burst.</summary>
[Collection(AzuriteTests.Name)]
public sealed class ShopifyInventoryTests(AzuriteFixture azurite)
{
    private const long OtherLocationId = 6_500_000_002;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task SetQuantities_300Levels_TwoCallsOf250AndTheRest()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var writes = new List<ShopifyQuantityWrite>();
        for (var n = 0; n < 300; n++)
        {
            var item = new TestItem(string.Create(CultureInfo.InvariantCulture, $"BATCH-{n}"), 5, 1000 + n);
            app.Shopify.AddVariant(item.ShopifyProductId, item.ShopifyVariantId, item.ShopifyInventoryItemId, TestItem.LocationId, item.Sku, 5);
            writes.Add(new ShopifyQuantityWrite(item.Sku, item.ShopifyInventoryItemId, TestItem.LocationId, n % 7, 5));
        }

        var outcomes = await Inventory(app).SetQuantitiesAsync(writes, CancellationToken.None);

        Assert.All(outcomes, o => Assert.True(o.IsWritten));
        Assert.Equal(2, app.Shopify.OperationCount("inventorySetQuantities"));
        Assert.All(writes, w => Assert.Equal(w.Quantity, app.Shopify.GetAvailable(w.InventoryItemId, w.LocationId)));
        Assert.Equal(0, app.Shopify.ThrottleViolations);
    }

    [Fact]
    public async Task SetQuantities_OneStaleAmongThree_OthersWrittenStaleReported()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var items = Enumerable.Range(0, 3).Select(n => new TestItem($"CAS-{n}", 5, 1400 + n)).ToList();
        foreach (var item in items)
        {
            app.Shopify.AddVariant(item.ShopifyProductId, item.ShopifyVariantId, item.ShopifyInventoryItemId, TestItem.LocationId, item.Sku, 5);
        }

        var outcomes = await Inventory(app).SetQuantitiesAsync(
            [.. items.Select((item, n) => new ShopifyQuantityWrite(item.Sku, item.ShopifyInventoryItemId, TestItem.LocationId, 2, n == 1 ? 4 : 5))],
            CancellationToken.None);

        Assert.True(outcomes[0].IsWritten);
        Assert.Equal("CAS-1", outcomes[1].StaleWrite?.Sku);
        Assert.True(outcomes[2].IsWritten);
        Assert.Equal([2, 5, 2], items.Select(i => app.Shopify.GetAvailable(i.ShopifyInventoryItemId, TestItem.LocationId)));
        Assert.Equal(2, app.Shopify.OperationCount("inventorySetQuantities"));
    }

    [Fact]
    public async Task Write_LevelMovedSinceRead_TypedStaleRefusal()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("STALE-01", 5, 1410);
        app.List(item.Mapping, 5);
        var inventory = Inventory(app);
        var read = await inventory.ReadAsync(item.Mapping, CancellationToken.None);
        await app.Shopify.SetAvailableFromAdminAsync(item.ShopifyInventoryItemId, TestItem.LocationId, 9);

        var stale = await Assert.ThrowsAsync<ShopifyStaleQuantityException>(() => inventory.WriteAsync(item.Mapping, read, 4, CancellationToken.None));

        Assert.IsAssignableFrom<StaleChannelQuantityException>(stale);
        Assert.Equal(5, stale.ExpectedQuantity);
        Assert.Equal(item.ShopifyInventoryItemId, stale.InventoryItemId);
        Assert.Null(stale.CurrentQuantity);
        Assert.Equal(9, app.Shopify.GetAvailable(item.ShopifyInventoryItemId, TestItem.LocationId));
    }

    [Fact]
    public async Task Write_ItemShopifyDoesNotKnow_ClearFailureWithShopifysMessage()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("GONE-01", 5, 1411);
        app.Shopify.AddVariant(1, 2, 3, TestItem.LocationId, "OTHER", 1);

        var failure = await Assert.ThrowsAsync<ChannelRequestException>(() => Inventory(app).WriteAsync(item.Mapping, new ChannelStock(5), 4, CancellationToken.None));

        Assert.Contains("GONE-01", failure.Message, StringComparison.Ordinal);
        Assert.Contains("INVALID_INVENTORY_ITEM: The specified inventory item could not be found.", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Writes_ManyAtOnce_ShareCalls()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var items = Enumerable.Range(0, 20).Select(n => new TestItem($"SHARE-{n}", 5, 1420 + n)).ToList();
        foreach (var item in items)
        {
            app.List(item.Mapping, 5);
        }

        var inventory = Inventory(app);
        await Task.WhenAll(items.Select(i => inventory.WriteAsync(i.Mapping, new ChannelStock(5), 3, CancellationToken.None)));

        Assert.All(items, i => Assert.Equal(3, app.Shopify.GetAvailable(i.ShopifyInventoryItemId, TestItem.LocationId)));
        Assert.InRange(app.Shopify.OperationCount("inventorySetQuantities"), 1, 2);
    }

    [Fact]
    public async Task Push_ReadAllLocations_SumBecomesTheLedgerNumber()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite, new Dictionary<string, string?> { ["Shopify:ReadAllLocations"] = "true" });
        var item = new TestItem("MULTI-01", 5, 1450);
        app.List(item.Mapping, 5);
        app.Shopify.AddVariant(item.ShopifyProductId, item.ShopifyVariantId, item.ShopifyInventoryItemId, OtherLocationId, item.Sku, 2);

        await app.ImportAsync(new SkuMapRow(item.Mapping, 5));

        await Eventually.WaitAsync(() => app.Shopify.GetAvailable(item.ShopifyInventoryItemId, TestItem.LocationId) == 3, Deadline, "FuncSync's location shows 3");
        Assert.Equal(2, app.Shopify.GetAvailable(item.ShopifyInventoryItemId, OtherLocationId));
        var read = await Inventory(app).ReadAsync(item.Mapping, CancellationToken.None);
        Assert.Equal(5, read.Quantity);
    }

    [Fact]
    public async Task Pushes_BurstOnAStandardPlan_NoThrottleViolations()
    {
        await using var app = await FuncSyncTestApp.StartAsync(
            azurite,
            new Dictionary<string, string?> { ["Shopify:PlanRestoreRate"] = "100" },
            new EtsySimulatorOptions { QueriesPerSecond = 1000 },
            new ShopifySimulatorOptions { ThrottleMaximumAvailable = 100, ThrottleRestoreRate = 100 });
        var items = Enumerable.Range(0, 60).Select(n => new TestItem($"BURST-{n}", 5, 1500 + n)).ToArray();
        await app.LoadAsync(items);

        await Task.WhenAll(items.Select(async (item, n) =>
        {
            using var response = await app.CountAsync(item.Sku, string.Create(CultureInfo.InvariantCulture, $$"""{"quantity": {{n % 4}}}"""));
            Assert.True(response.IsSuccessStatusCode);
        }));

        await Eventually.WaitAsync(
            () => items.Select((item, n) => app.Shopify.GetAvailable(item.ShopifyInventoryItemId, TestItem.LocationId) == n % 4).All(ok => ok),
            Deadline,
            "Shopify shows every new count");
        Assert.Equal(0, app.Shopify.ThrottleViolations);
    }

    private static ShopifyInventory Inventory(FuncSyncTestApp app) => app.App.Services.GetRequiredService<ShopifyInventory>();
}

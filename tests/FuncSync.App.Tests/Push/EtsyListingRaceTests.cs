using FuncSync.App.Tests.Etsy;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Catalog;
using FuncSync.Domain;
using FuncSync.Etsy;
using FuncSync.Push;
using FuncSync.Shopify;
using FuncSync.Simulators.Etsy;
using FuncSync.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace FuncSync.App.Tests.Push;

/// <summary>Pushes of several SKUs of one Etsy listing, each a whole-inventory PUT, through the real queues: none may
/// send back another's older quantity and have it recorded as shown.</summary>
[Collection(AzuriteTests.Name)]
public sealed class EtsyListingRaceTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const long ListingId = 1_500_000_071;
    private const long ProductId = 7_000_000_071;

    [Fact]
    public async Task RingBurst_160ShopifyOrdersFrom8Threads_EveryChannelEndsAtTheLedger()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite, EtsyTestSettings.ManualPolling);
        var sizes = new[] { "6", "7", "8", "9" };
        var rings = sizes.Select((size, i) => new Ring($"RING-RACE-{size}", 4_100_000_071 + i, 4_300_000_071 + i)).ToArray();
        app.Etsy.AddListing(ListingId, "Hammered ring", [.. rings.Select((r, i) => new EtsySimProduct(r.Sku, 60, 42.00m, [new EtsySimPropertyValue(100, "Ring size", 1000 + i, sizes[i])]))]);
        foreach (var ring in rings)
        {
            app.Shopify.AddVariant(ProductId, ring.VariantId, ring.InventoryItemId, TestItem.LocationId, ring.Sku, 60, ring.Sku);
        }

        await app.ImportAsync([.. rings.Select(r => new SkuMapRow(
            new SkuMapping(r.Sku, r.Sku, [new ShopifyListing(r.VariantId, r.InventoryItemId, TestItem.LocationId, ProductId), new EtsyListing(ListingId, r.Sku)]), 60))]);
        await SettledAsync(app);

        // 8 buyers at once, 20 orders each, round the sizes: pushes of the four SKUs to the one listing overlap.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(buyer => Task.Run(async () =>
        {
            for (var n = 0; n < 20; n++)
            {
                var ring = rings[(buyer + n) % rings.Length];
                Assert.NotNull(await app.Shopify.PlaceOrderAsync([(ring.VariantId, 1)]));
            }
        })));

        await SettledAsync(app);
        foreach (var ring in rings)
        {
            await Eventually.WaitAsync(
                async () => app.Etsy.GetQuantity(ListingId, ring.Sku) == await app.AvailableAsync(ring.Sku),
                TimeSpan.FromSeconds(30),
                $"Etsy shows the ledger's {ring.Sku}");
        }

        var pushes = app.App.Services.GetRequiredService<PushStore>();
        foreach (var ring in rings)
        {
            var ledger = await app.AvailableAsync(ring.Sku);
            Assert.Equal(20, ledger);
            Assert.Equal(ledger, app.Etsy.GetQuantity(ListingId, ring.Sku));
            Assert.Equal(ledger, app.Shopify.GetAvailable(ring.InventoryItemId, TestItem.LocationId));

            // What FuncSync holds as shown on Etsy is what Etsy shows, verified by a read-back.
            var record = await pushes.GetAsync(ring.Sku, Channel.Etsy, CancellationToken.None);
            Assert.Equal(ledger, record!.Shown);
            Assert.Equal(PushStatus.InSync, record.Status);
        }

        var etsyWrites = app.Etsy.RequestLog.Count(r => r.StartsWith($"PUT /v3/application/listings/{ListingId}/inventory", StringComparison.Ordinal));
        output.WriteLine($"160 orders: {etsyWrites} Etsy inventory PUTs, {app.Shopify.OperationCount("inventorySetQuantities")} Shopify inventorySetQuantities");
    }

    private static async Task SettledAsync(FuncSyncTestApp app)
    {
        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        await app.DrainedAsync(app.Names.ChannelPushQueue);
    }

    private sealed record Ring(string Sku, long VariantId, long InventoryItemId);
}

using System.Net;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Simulators.Shopify;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Shopify;

/// <summary>An order is made durable whole before Shopify hears 200, and every line reaches the ledger from there.</summary>
[Collection(AzuriteTests.Name)]
public sealed class ShopifyLargeOrderTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task OrdersCreate_200LinesWithShopifysFiveSecondTimeout_AnsweredOnceAndEveryLineApplied()
    {
        // Shopify's 5-s client timeout, and no retry for hours: the first delivery is all there is.
        await using var app = await FuncSyncTestApp.StartAsync(azurite, shopifyOptions: new ShopifySimulatorOptions { WebhookTimeout = TimeSpan.FromSeconds(5), WebhookRetryDelays = [] });
        var items = Enumerable.Range(0, 4).Select(i => new TestItem($"BULK-{i:D2}", 100, 60 + i)).ToArray();
        await app.LoadAsync(items);
        var lines = Enumerable.Range(0, 200).Select(i => (items[i % items.Length].ShopifyVariantId, 1)).ToList();

        var order = await app.Shopify.PlaceOrderAsync(lines);

        Assert.Equal(HttpStatusCode.OK, order!.WebhookStatus);
        Assert.Single(app.Shopify.Deliveries);
        foreach (var item in items)
        {
            await Eventually.WaitAsync(async () => await app.AvailableAsync(item.Sku) == 50, TimeSpan.FromSeconds(60), $"all 50 lines of {item.Sku} are in the ledger");
        }

        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        foreach (var item in items)
        {
            Assert.Equal(50, await app.AvailableAsync(item.Sku));
        }
    }
}

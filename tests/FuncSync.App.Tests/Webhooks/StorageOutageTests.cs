using System.Net;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Simulators.Faults;
using FuncSync.Simulators.Shopify;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Webhooks;

[Collection(AzuriteTests.Name)]
public sealed class StorageOutageTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task ShopifyWebhook_StorageRefusesConnections_503AndTheRetryAfterStorageReturnsIsApplied()
    {
        var (blob, queue, table) = azurite.Ports;
        await using var storage = FreezableStorage.Start(blob, queue, table);
        var item = new TestItem("OUTAGE-1", 10, 801);
        await using var app = await FuncSyncTestApp.StartAsync(
            azurite,
            new Dictionary<string, string?> { ["AzureWebJobsStorage"] = storage.ConnectionString },
            shopifyOptions: new ShopifySimulatorOptions { WebhookRetryDelays = [], WebhookTimeout = TimeSpan.FromSeconds(60) });
        await app.LoadAsync(item);
        await Eventually.WaitAsync(async () => await app.AvailableAsync(item.Sku) == 10, TimeSpan.FromSeconds(15), "the item is stocked");

        // Every storage connection is dropped at once, as when the account is unreachable. (The storage SDK's own retries
        // take about 6 s to give up, past Shopify's 5-s timeout: the simulator waits longer so the answer is seen.)
        storage.Sever();
        var order = await app.Shopify.PlaceOrderAsync([(item.ShopifyVariantId, 1)]);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, order!.WebhookStatus);
        var delivery = app.Shopify.Deliveries.Single(d => d.Status == HttpStatusCode.ServiceUnavailable);

        // Storage back: the sender's retry of the same delivery is applied, once.
        storage.Restore();
        Assert.Equal(HttpStatusCode.OK, await app.Shopify.RedeliverAsync(delivery.EventId));
        await Eventually.WaitAsync(async () => await app.AvailableAsync(item.Sku) == 9, TimeSpan.FromSeconds(15), "the redelivered order is applied");
    }
}

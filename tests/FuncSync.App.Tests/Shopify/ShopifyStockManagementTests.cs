using System.Net;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Shopify;

/// <summary>Who manages a variant's stock on Shopify does not decide whether its sale counts: a mapped SKU's sale moves
/// the ledger either way.</summary>
[Collection(AzuriteTests.Name)]
public sealed class ShopifyStockManagementTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task OrdersCreate_FulfilmentServiceLineOfMappedSku_MovesTheLedgerAndEtsyFollows()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("FULFIL-01", 5, 51);
        await app.LoadAsync(item);
        var body = $$"""{"id":6601,"name":"#6601","line_items":[{"id":6602,"variant_id":{{item.ShopifyVariantId}},"quantity":2,"variant_inventory_management":"shipbob-fulfillment"}]}""";

        using var response = await app.PostShopifyWebhookAsync("orders/create", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Eventually.WaitAsync(async () => await app.AvailableAsync(item.Sku) == 3, Deadline, "the fulfilment-service sale is in the ledger");
        await Eventually.WaitAsync(() => app.Etsy.GetQuantity(item.EtsyListingId, item.Sku) == 3, Deadline, "Etsy no longer offers the units");
    }
}

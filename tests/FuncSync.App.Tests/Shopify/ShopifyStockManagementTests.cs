using System.Globalization;
using System.Net;
using FuncSync.Alerts;
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

    [Fact]
    public async Task ProductsUpdate_MappedVariantWithTrackingOff_SellsPastZeroAlert()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("UNTRACKED-01", 5, 52);
        await app.LoadAsync(item);
        app.Shopify.SetVariantStockSettings(item.ShopifyVariantId, tracked: false, "DENY");

        Assert.Equal(HttpStatusCode.OK, await app.Shopify.UpdateProductAsync(item.ShopifyProductId));

        var alert = await app.AlertEventuallyAsync(AlertKind.SellsPastZero, $"sells-past-zero:Shopify:{item.ShopifyVariantId}", a => a.Status == "open", "the untracked variant is alerted");
        Assert.Equal(item.Sku, alert.Sku);
        Assert.Contains("Track quantity", alert.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Guard_SellerAcceptsTheOffer_ShopifyTracksAndDeniesAndTheAlertClears()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("GUARD-01", 5, 54);
        await app.LoadAsync(item);
        app.Shopify.SetVariantStockSettings(item.ShopifyVariantId, tracked: false, "CONTINUE");
        Assert.Equal(HttpStatusCode.OK, await app.Shopify.UpdateProductAsync(item.ShopifyProductId));
        var key = $"sells-past-zero:Shopify:{item.ShopifyVariantId}";
        var alert = await app.AlertEventuallyAsync(AlertKind.SellsPastZero, key, a => a.Status == "open", "the unguarded variant is alerted");
        Assert.Contains($"POST /api/shopify/listings/{item.ShopifyVariantId}/guard", alert.Message, StringComparison.Ordinal);

        using var response = await app.Http.PostAsync($"api/shopify/listings/{item.ShopifyVariantId}/guard", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((true, "DENY"), app.Shopify.GetVariantStockSettings(item.ShopifyVariantId));
        await app.AlertEventuallyAsync(AlertKind.SellsPastZero, key, a => a.Status == "resolved", "the alert clears");
    }

    [Fact]
    public async Task MappingAudit_MappedVariantContinuesSellingAtZero_AlertedThenClearedOnceDeny()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("CONTINUE-01", 5, 53);
        await app.LoadAsync(item);
        app.Shopify.SetVariantStockSettings(item.ShopifyVariantId, tracked: true, "CONTINUE");
        var key = $"sells-past-zero:Shopify:{item.ShopifyVariantId.ToString(CultureInfo.InvariantCulture)}";

        (await app.Http.PostAsync("api/mappings/audit", null)).EnsureSuccessStatusCode();
        var alert = await app.AlertEventuallyAsync(AlertKind.SellsPastZero, key, a => a.Status == "open", "the CONTINUE variant is alerted");
        Assert.Contains("Continue selling when out of stock", alert.Message, StringComparison.Ordinal);

        app.Shopify.SetVariantStockSettings(item.ShopifyVariantId, tracked: true, "DENY");
        (await app.Http.PostAsync("api/mappings/audit", null)).EnsureSuccessStatusCode();
        await app.AlertEventuallyAsync(AlertKind.SellsPastZero, key, a => a.Status == "resolved", "the alert clears once Shopify stops selling at 0");
    }
}

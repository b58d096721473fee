using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using FuncSync.App.Tests.Infrastructure;
using FuncSync.Domain;
using FuncSync.Json;
using FuncSync.Testing;

namespace FuncSync.App.Tests.Mapping;

/// <summary>The mapping audit against the simulators' catalogs: unmapped variations, and map entries whose listing is gone.</summary>
[Collection(AzuriteTests.Name)]
public sealed class MappingAuditTests(AzuriteFixture azurite)
{

    [Fact]
    public async Task UnmappedVariant_ReportedAndSold_ExactlyOneAlert()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var item = new TestItem("AUDIT-01", 4, 111);
        await app.LoadAsync(item);
        const long unmapped = 4_100_009_111;
        app.Shopify.AddVariant(item.ShopifyProductId, unmapped, 4_300_009_111, TestItem.LocationId, "AUDIT-01-XL", 3, "XL");

        Assert.Equal(HttpStatusCode.OK, await app.Shopify.UpdateProductAsync(item.ShopifyProductId));
        var order = await app.Shopify.PlaceOrderAsync([(unmapped, 1)]);
        Assert.Equal(HttpStatusCode.OK, order!.WebhookStatus);
        await app.DrainedAsync(app.Names.InventoryEventsQueue);
        using var response = await app.Http.PostAsync("api/mappings/audit", null);
        var report = (await response.Content.ReadFromJsonAsync(FuncSyncJson.Default.MappingAuditReport))!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var found = Assert.Single(report.Unmapped);
        Assert.Equal((Channel.Shopify, unmapped.ToString(CultureInfo.InvariantCulture), "AUDIT-01-XL"), (found.Channel, found.Listing, found.Sku));
        Assert.Empty(report.Missing);
        var alert = Assert.Single(await app.AlertsAsync("UnmappedListing"));
        Assert.Equal($"unmapped:Shopify:{unmapped}", alert.GetString("Key"));
        Assert.True(alert.GetInt32("Count") >= 3, "the products/update, the parked sale and the audit all counted on the one alert");
    }

    [Fact]
    public async Task MapEntryToDeletedListing_MissingListingAlert_ClearedWhenRemapped()
    {
        await using var app = await FuncSyncTestApp.StartAsync(azurite);
        var kept = new TestItem("AUDIT-02", 2, 112);
        var gone = new TestItem("AUDIT-03", 2, 113);
        await app.LoadAsync(kept, gone);
        await app.DrainedAsync(app.Names.ChannelPushQueue);

        app.Etsy.DeleteListing(gone.EtsyListingId);
        app.Shopify.DeleteVariant(gone.ShopifyVariantId);
        var report = await AuditAsync(app);

        Assert.Empty(report.Unmapped);
        Assert.Equal(
            [(gone.Sku, Channel.Shopify, gone.ShopifyVariantId.ToString(CultureInfo.InvariantCulture)), (gone.Sku, Channel.Etsy, $"{gone.EtsyListingId}:{gone.Sku}")],
            report.Missing.Select(m => (m.Sku, m.Channel, m.Listing)).OrderByDescending(m => m.Channel == Channel.Shopify));
        var alerts = await app.AlertsAsync("MissingListing");
        Assert.Equal(2, alerts.Count);
        Assert.All(alerts, a => Assert.Equal("open", a.GetString("Status")));

        // The seller lists it again under the same ids: both alerts resolve at the next audit.
        app.List(gone.Mapping, 2);
        await AuditAsync(app);

        Assert.All(await app.AlertsAsync("MissingListing"), a => Assert.Equal("resolved", a.GetString("Status")));
    }

    private static async Task<FuncSync.Mapping.MappingAuditReport> AuditAsync(FuncSyncTestApp app)
    {
        using var response = await app.Http.PostAsync("api/mappings/audit", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync(FuncSyncJson.Default.MappingAuditReport))!;
    }
}
